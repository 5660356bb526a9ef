# syntax=docker/dockerfile:1
# xacct in a container: a static musl build on Alpine, copied alone into a distroless image.
#
#   docker build -t xacct .
#   docker run --rm -v "$PWD:/work" xacct lint policies/
#   docker run --rm -v "$PWD:/work" xacct check --request req.json --caller ARN exports/
#
# The working directory is /work: mount the files to read there. Output goes to standard
# output and the exit code is xacct's (0 passed, 1 findings, 2 could not run).

ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-alpine AS build
# The C compiler and musl headers build mimalloc; Rust links musl statically.
# hadolint ignore=DL3018
RUN apk add --no-cache gcc musl-dev
WORKDIR /src
# The build needs the manifest, the sources and the data compiled into the binary; the
# bench and test entry files only because the manifest names them (see .dockerignore).
COPY . .
# A release binary without debug information: a smaller image.
ENV CARGO_PROFILE_RELEASE_DEBUG=false \
    CARGO_PROFILE_RELEASE_STRIP=true
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin xacct \
    && cp target/release/xacct /usr/local/bin/xacct
RUN /usr/local/bin/xacct --version

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /usr/local/bin/xacct /usr/local/bin/xacct
WORKDIR /work
ENTRYPOINT ["xacct"]
CMD ["--help"]
