#!/usr/bin/env bash
# Wakes the loop once a day: the date is the whole signal.
printf '{"signal":{"date":"%s"}}\n' "$(date +%F)"
