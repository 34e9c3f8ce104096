#!/usr/bin/env python3
"""A grpcio (gRPC's C core, from PyPI) client making unary Version calls on one channel as fast
as it can; prints one JSON object: calls, errors, the first error.

usage: grpcio-load.py SOCKET CALLS   (run with the virtualenv that has grpcio)
"""
import json
import sys

import grpc

path, calls = sys.argv[1], int(sys.argv[2])
channel = grpc.insecure_channel("unix://" + path)
version = channel.unary_unary("/containerd.services.version.v1.Version/Version",
                              request_serializer=lambda message: message, response_deserializer=lambda data: data)
errors, first = 0, ""
for _ in range(calls):
    try:
        version(b"", timeout=30)
    except grpc.RpcError as error:
        errors += 1
        first = first or f"{error.code()}: {error.details()}"
channel.close()
print(json.dumps({"calls": calls, "errors": errors, "first_error": first}))
