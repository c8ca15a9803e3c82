# mtvt: declarative end-to-end tests for MTV / Forklift.
#
#   docker build -t mtvt .
#   docker run --rm mtvt                                   # the catalog on the embedded emulator
#   docker run --rm -v ~/.kube/config:/kube/config:ro -v $PWD/.providers.json:/opt/mtvt/.providers.json:ro \
#     mtvt run --kubeconfig /kube/config --provider vsphere --storage-class ocs-storagecluster-ceph-rbd scenarios/tier0
#
# Build stage: the whole workspace (the binary embeds the stdlib), release profile, locked.
FROM docker.io/library/rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin mtvt \
 && install -D -m 0755 target/release/mtvt /out/mtvt

# Runtime stage: the binary, the stdlib (readable with MTVT_STDLIB=/opt/mtvt/stdlib to try
# edits without rebuilding) and the scenario catalog. Runs as an arbitrary non-root UID
# (OpenShift Jobs): /opt/mtvt is group-0 writable for the journal and diagnostics.
FROM docker.io/library/debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/mtvt /usr/local/bin/mtvt
COPY stdlib /opt/mtvt/stdlib
COPY scenarios /opt/mtvt/scenarios
COPY providers.example.json /opt/mtvt/providers.example.json
RUN chgrp -R 0 /opt/mtvt && chmod -R g=u /opt/mtvt
WORKDIR /opt/mtvt
USER 1001
ENTRYPOINT ["mtvt"]
CMD ["run", "--sim", "scenarios"]
