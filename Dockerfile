# syntax=docker/dockerfile:1
# Build: docker build -t clausewatch .                 (plain HTTP documents)
#        docker build --target browser -t clausewatch:browser .   (adds Chromium)
# Run:   docker run -p 8080:8080 -v clausewatch:/data clausewatch

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/clausewatch ./cmd/clausewatch \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot AS default
COPY --from=build /out/clausewatch /usr/local/bin/clausewatch
# An empty /data owned by the non-root user, so a new named volume is writable.
COPY --from=build --chown=65532:65532 /out/data /data
ENV CLAUSEWATCH_DB=/data/clausewatch.db \
    CLAUSEWATCH_LISTEN=0.0.0.0:8080
VOLUME /data
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/clausewatch"]
CMD ["serve"]

# Documents with `browser: true` (Meta's policy) need Chromium.
FROM debian:bookworm-slim AS browser
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium ca-certificates fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 65532 --create-home clausewatch \
 && mkdir /data && chown clausewatch /data
COPY --from=build /out/clausewatch /usr/local/bin/clausewatch
ENV CLAUSEWATCH_DB=/data/clausewatch.db \
    CLAUSEWATCH_LISTEN=0.0.0.0:8080 \
    CLAUSEWATCH_CHROMIUM=/usr/bin/chromium
VOLUME /data
EXPOSE 8080
USER clausewatch
ENTRYPOINT ["/usr/local/bin/clausewatch"]
CMD ["serve"]

# The last stage is what a plain `docker build` produces: the small image.
FROM default
