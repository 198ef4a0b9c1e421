# syntax=docker/dockerfile:1
# Build: a static binary (the time zone database is embedded in it). Run: a
# small non-root image with CA certificates.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/caunoi ./cmd/caunoi

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/caunoi /usr/local/bin/caunoi
ENV CAUNOI_ADDR=:8080 TZ=Asia/Ho_Chi_Minh
EXPOSE 8080
USER nonroot:nonroot
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/caunoi", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/caunoi"]
CMD ["serve", "--migrate"]
