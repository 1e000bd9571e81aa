# syntax=docker/dockerfile:1
# Multi-stage build: dependencies are compiled in a layer of their own, so a
# change to the code does not rebuild them.

FROM rust:1-bookworm AS build
WORKDIR /src
# 1. Manifests only, with empty sources: builds and caches the dependencies.
COPY Cargo.toml Cargo.lock ./
COPY api/Cargo.toml api/
COPY entity/Cargo.toml entity/
COPY migration/Cargo.toml migration/
RUN mkdir -p src api/src entity/src migration/src \
 && echo 'fn main() {}' > src/main.rs \
 && touch src/lib.rs api/src/lib.rs entity/src/lib.rs migration/src/lib.rs \
 && cargo build --release --locked --bin toasoan \
 && rm -rf src api/src entity/src migration/src
# 2. The code itself.
COPY . .
RUN touch src/main.rs src/lib.rs api/src/lib.rs entity/src/lib.rs migration/src/lib.rs \
 && cargo build --release --locked --bin toasoan

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data toasoan \
 && mkdir -p /data && chown toasoan /data
COPY --from=build /src/target/release/toasoan /usr/local/bin/toasoan
USER toasoan
WORKDIR /data
ENV LISTEN_ADDR=0.0.0.0:8080 \
    DATABASE_URL=sqlite:///data/toasoan.db?mode=rwc \
    RUST_LOG=info
EXPOSE 8080
VOLUME ["/data"]
ENTRYPOINT ["/usr/local/bin/toasoan"]
CMD ["serve"]
