#!/bin/sh
# The sample's entrypoint: greets, and shows what the container sees.
echo "${GREETING:-Hello}, $*! from $(hostname), uid $(id -u), in $(pwd)"
