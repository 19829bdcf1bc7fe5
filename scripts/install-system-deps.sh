#!/usr/bin/env bash
# System packages the tests need beyond Node: gcloud's Pub/Sub and Firestore emulators (with Java) and Chromium for
# the browser suite, strace for a CLI test. Installs only what is missing; needs root (CI here runs as root).
set -euo pipefail
missing=()
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
command -v strace >/dev/null 2>&1 || missing+=(strace) # delivers a signal at a chosen system call in a CLI test
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-system-deps: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi
if ! command -v gcloud >/dev/null 2>&1; then
  echo "install-system-deps: gcloud (with the pubsub and firestore emulators) is required; see docs/ops.md" >&2
  exit 1
fi
