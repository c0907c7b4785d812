"""Stubs generated from proto/switchboard/v1 by clients/python/generate.sh. Do not edit."""
