FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --bin pgbridge

FROM debian:bookworm-slim
COPY --from=build /src/target/release/pgbridge /usr/local/bin/pgbridge
EXPOSE 6432
ENTRYPOINT ["/usr/local/bin/pgbridge"]
