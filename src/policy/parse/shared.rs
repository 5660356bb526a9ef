//! Values that policies repeat, read once per thread and shared: an organization writes the
//! same few hundred condition keys and actions in millions of statements.

use std::cell::RefCell;
use std::thread::LocalKey;

/// How many values a table holds at most (a bound on what hostile input can make it hold):
/// a full table is emptied, and fills again with the values read next (an organization is
/// read account by account, and an account repeats its own resources).
const MAX_SHARED: usize = 4096;

/// A table of values by the text they were read from.
pub(super) type Table<T> = RefCell<foldhash::HashMap<Box<str>, T>>;

/// The value `text` reads as: the one `table` holds, or `make`'s, kept for the next time.
pub(super) fn shared<T: Clone>(
    table: &'static LocalKey<Table<T>>,
    text: &str,
    make: impl FnOnce() -> T,
) -> T {
    table.with(|t| {
        let mut t = t.borrow_mut();
        if let Some(v) = t.get(text) {
            return v.clone();
        }
        let v = make();
        if t.len() == MAX_SHARED {
            t.clear();
        }
        t.insert(Box::from(text), v.clone());
        v
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static LENGTHS: Table<usize> = Table::default();
    }

    #[test]
    fn values_are_read_once_and_the_table_stays_bounded() {
        // On a thread of its own, so that the table starts empty.
        std::thread::spawn(|| {
            let made = std::cell::Cell::new(0);
            let read = |text: &str| {
                shared(&LENGTHS, text, || {
                    made.set(made.get() + 1);
                    text.len()
                })
            };
            assert_eq!(read("s3:GetObject"), 12);
            assert_eq!(read("s3:GetObject"), 12);
            assert_eq!(made.get(), 1, "a value seen before is not read again");
            for i in 0..2 * MAX_SHARED {
                let text = "x".repeat(i % 7) + &i.to_string();
                assert_eq!(read(&text), text.len());
            }
            let held = LENGTHS.with(|t| t.borrow().len());
            assert!(held <= MAX_SHARED && held > 0, "{held}");
            // The first values were let go; read again, they are still right.
            let before = made.get();
            assert_eq!(read("s3:GetObject"), 12);
            assert_eq!(read("s3:GetObject"), 12);
            assert_eq!(made.get(), before + 1);
        })
        .join()
        .unwrap();
    }
}
