#!/usr/bin/env bash
# placeholder, written by the runner helper
