# syntax=docker/dockerfile:1
# Build: make image (docker build -t deescalate:latest -f Dockerfile .)
# Run:   docker run --rm -e SLACK_BOT_TOKEN -e SLACK_APP_TOKEN -e REDIS_URL -p 8080:8080 deescalate

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# A static binary: no libc needed in the final image. The same command as make build.
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -buildvcs=auto -o /out/deescalate ./cmd/deescalate

# distroless/static has CA certificates and time zone data (needed for agents' zones) and runs
# as an unprivileged user (65532).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/deescalate /usr/local/bin/deescalate
USER nonroot:nonroot
EXPOSE 8080
ENV HTTP_ADDR=:8080 LOG_FORMAT=json
ENTRYPOINT ["/usr/local/bin/deescalate"]
CMD ["run"]
