"""Drives a running server with NVIDIA's Triton client (HTTP and gRPC) and reports every case.

Usage: triton_client_suite.py HTTP_HOST:PORT GRPC_HOST:PORT
Prints one line per case ("PASS name" or "FAIL name: why") and exits 1 when any case fails.
The server must hold the demo models and the test models of tests/Api.Tests/Infrastructure/TestModels.cs.
"""

import json
import queue
import sys
import traceback
import urllib.error
import urllib.request

import numpy as np
import grpc
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from tritonclient.grpc import service_pb2, service_pb2_grpc
from tritonclient.utils import InferenceServerException

HTTP_URL, GRPC_URL = sys.argv[1], sys.argv[2]
EXTENSIONS = ["binary_tensor_data", "classification", "model_repository", "statistics"]
IRIS_ROWS = np.array([[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]], dtype=np.float32)
results = []


def case(name):
    def register(fn):
        try:
            fn()
            results.append((name, None))
        except Exception as ex:  # every failure is reported, never hidden
            results.append((name, f"{type(ex).__name__}: {ex} | {traceback.format_exc(limit=3).splitlines()[-2].strip()}"))
        return fn
    return register


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def expect_error(fn, *fragments, status=None):
    try:
        fn()
    except InferenceServerException as ex:
        text = f"{ex.message()} {ex.status()}"
        for fragment in fragments:
            expect(fragment in text, f"error '{text}' lacks '{fragment}'")
        if status is not None:
            expect(str(ex.status()) == status, f"status {ex.status()}, expected {status}")
        return ex
    raise AssertionError(f"expected an error naming {fragments}")


http = httpclient.InferenceServerClient(HTTP_URL, network_timeout=60)
rpc = grpcclient.InferenceServerClient(GRPC_URL)


def http_iris(binary, **kwargs):
    inputs = [httpclient.InferInput("features", [2, 4], "FP32")]
    inputs[0].set_data_from_numpy(IRIS_ROWS, binary_data=binary)
    outputs = [httpclient.InferRequestedOutput("probabilities", binary_data=binary)]
    return http.infer("iris", inputs, outputs=outputs, **kwargs).as_numpy("probabilities")


def grpc_iris(**kwargs):
    inputs = [grpcclient.InferInput("features", [2, 4], "FP32")]
    inputs[0].set_data_from_numpy(IRIS_ROWS)
    return rpc.infer("iris", inputs, **kwargs).as_numpy("probabilities")


# Health and metadata


@case("http: live, ready, server metadata")
def _():
    expect(http.is_server_live() and http.is_server_ready(), "server not live/ready")
    meta = http.get_server_metadata()
    expect(sorted(meta["extensions"]) == EXTENSIONS, f"extensions {meta['extensions']}")


@case("grpc: live, ready, server metadata")
def _():
    expect(rpc.is_server_live() and rpc.is_server_ready(), "server not live/ready")
    meta = rpc.get_server_metadata()
    expect(sorted(meta.extensions) == EXTENSIONS, f"extensions {meta.extensions}")


@case("http: model metadata and readiness")
def _():
    meta = http.get_model_metadata("iris")
    expect(meta["name"] == "iris" and meta["inputs"][0]["shape"] == [-1, 4], f"metadata {meta}")
    expect(http.is_model_ready("iris") and http.is_model_ready("iris", "1"), "iris not ready")
    expect(not http.is_model_ready("nope"), "an unknown model is ready")


@case("grpc: model metadata and readiness")
def _():
    meta = rpc.get_model_metadata("breast-cancer")
    expect(list(meta.versions) == ["1", "2"] and list(meta.inputs[0].shape) == [-1, 30], f"metadata {meta}")
    expect(rpc.is_model_ready("iris") and rpc.is_model_ready("iris", "1"), "iris not ready")
    expect_error(lambda: rpc.is_model_ready("nope"), "'nope'", status="StatusCode.NOT_FOUND")


# Inference


@case("http: infer JSON and binary data agree")
def _():
    as_json, as_binary = http_iris(False), http_iris(True)
    expect(as_json.shape == (2, 3), f"shape {as_json.shape}")
    expect(np.allclose(as_json, as_binary, atol=1e-6), f"{as_json} != {as_binary}")
    expect(np.allclose(as_json.sum(axis=1), 1, atol=1e-4), f"rows do not sum to 1: {as_json}")


@case("grpc: infer agrees with http")
def _():
    expect(np.allclose(grpc_iris(), http_iris(True), atol=1e-6), "gRPC and HTTP answers differ")


@case("both: BYTES and INT64 round-trip through identity models")
def _():
    strings = np.array([[b"a", b"", "h\u00e9llo".encode()]], dtype=np.object_)
    ints = np.arange(6, dtype=np.int64).reshape(2, 3) - 3
    for client, module in ((http, httpclient), (rpc, grpcclient)):
        for model, data, datatype in (("identity-bytes", strings, "BYTES"), ("identity-int64", ints, "INT64")):
            tensor = module.InferInput("x", list(data.shape), datatype)
            tensor.set_data_from_numpy(data)
            got = client.infer(model, [tensor]).as_numpy("y")
            expect(got.shape == data.shape and (got == data).all(), f"{module.__name__} {model}: {got}")


@case("both: priority (uint64 on gRPC) and timeout parameters are honoured")
def _():
    expected = http_iris(True)
    expect(np.allclose(http_iris(True, priority=1, timeout=5_000_000), expected), "http with priority differs")
    expect(np.allclose(grpc_iris(priority=2, timeout=5_000_000), expected), "grpc with priority differs")


@case("both: compressed requests (gzip, deflate)")
def _():
    expected = http_iris(True)
    for algorithm in ("gzip", "deflate"):
        got = http_iris(True, request_compression_algorithm=algorithm)
        expect(np.allclose(got, expected), f"http {algorithm}")
        got = grpc_iris(compression_algorithm=algorithm)
        expect(np.allclose(got, expected), f"grpc {algorithm}")


def check_classes(classes, probabilities):
    expect(classes.shape == (2, 2), f"classification shape {classes.shape}")
    for row in range(2):
        top = np.argsort(-probabilities[row], kind="stable")[:2]
        for rank in range(2):
            entry = classes[row][rank]
            value, index, label = (entry.decode() if isinstance(entry, bytes) else entry).split(":")
            expect(int(index) == top[rank], f"row {row} rank {rank}: index {index}, expected {top[rank]}")
            expect(abs(float(value) - probabilities[row][top[rank]]) < 1e-5, f"row {row}: value {value}")
            expect(label == ["setosa", "versicolor", "virginica"][int(index)], f"label {label}")


@case("http: classification class_count")
def _():
    inputs = [httpclient.InferInput("features", [2, 4], "FP32")]
    inputs[0].set_data_from_numpy(IRIS_ROWS)
    for binary in (False, True):
        outputs = [httpclient.InferRequestedOutput("probabilities", binary_data=binary, class_count=2)]
        check_classes(http.infer("iris", inputs, outputs=outputs).as_numpy("probabilities"), http_iris(True))


@case("grpc: classification class_count")
def _():
    inputs = [grpcclient.InferInput("features", [2, 4], "FP32")]
    inputs[0].set_data_from_numpy(IRIS_ROWS)
    outputs = [grpcclient.InferRequestedOutput("probabilities", class_count=2)]
    check_classes(rpc.infer("iris", inputs, outputs=outputs).as_numpy("probabilities"), http_iris(True))


@case("grpc: stream answers each request as it arrives, errors included")
def _():
    answers = queue.Queue()
    stream_client = grpcclient.InferenceServerClient(GRPC_URL)
    stream_client.start_stream(callback=lambda result, error: answers.put((result, error)))
    try:
        for i in range(3):
            inputs = [grpcclient.InferInput("features", [2, 4], "FP32")]
            inputs[0].set_data_from_numpy(IRIS_ROWS)
            stream_client.async_stream_infer("iris" if i != 1 else "nope", inputs, request_id=str(i))
            # Each answer must come while the stream is still open: a server that waits for the client to close hangs here.
            result, error = answers.get(timeout=30)
            if i == 1:
                expect(error is not None and "'nope'" in error.message(), f"stream error {error}")
            else:
                expect(error is None, f"stream error {error}")
                expect(result.get_response().id == str(i), f"stream id {result.get_response().id}")
                expect(np.allclose(result.as_numpy("probabilities"), http_iris(True), atol=1e-6), "stream answer differs")
    finally:
        stream_client.stop_stream()
        stream_client.close()


# Repository and statistics


@case("http: repository index, unload, load")
def _():
    index = http.get_model_repository_index()
    names = {(m["name"], m.get("version")) for m in index}
    expect(("iris", "1") in names and ("identity-int8", "1") in names, f"index {index}")
    http.unload_model("identity-int8")
    expect(not http.is_model_ready("identity-int8"), "unloaded model still ready")
    http.load_model("identity-int8")
    expect(http.is_model_ready("identity-int8"), "loaded model not ready")
    expect_error(lambda: http.load_model("nope"), "'nope'")


@case("grpc: repository index, unload, load")
def _():
    index = rpc.get_model_repository_index()
    ready = [m for m in index.models if m.name == "identity-int16"]
    expect(len(ready) == 1 and ready[0].state == "READY", f"index {index}")
    rpc.unload_model("identity-int16")
    expect(not rpc.is_model_ready("identity-int16"), "unloaded model still ready")
    states = {m.name: m.state for m in rpc.get_model_repository_index().models}
    expect(states["identity-int16"] != "READY", f"states {states}")
    rpc.load_model("identity-int16")
    expect(rpc.is_model_ready("identity-int16"), "loaded model not ready")
    expect_error(lambda: rpc.load_model("nope"), "'nope'", status="StatusCode.NOT_FOUND")


def run_double(rows, client, module):
    tensor = module.InferInput("x", [rows, 3], "FP32")
    tensor.set_data_from_numpy(np.ones((rows, 3), dtype=np.float32))
    got = client.infer("double-fp32", [tensor]).as_numpy("y")
    expect((got == 2).all(), f"double-fp32 answered {got}")


@case("both: statistics count rows (inference_count) and batches (execution_count)")
def _():
    before = http.get_inference_statistics("double-fp32")["model_stats"][0]
    run_double(4, http, httpclient)
    run_double(3, rpc, grpcclient)
    after_http = http.get_inference_statistics("double-fp32", "1")["model_stats"][0]
    after_grpc = rpc.get_inference_statistics("double-fp32").model_stats[0]
    expect(after_http["inference_count"] - before.get("inference_count", 0) == 7, f"http inference_count {before} -> {after_http}")
    executions = after_http["execution_count"] - before.get("execution_count", 0)
    expect(1 <= executions <= 2, f"execution_count grew by {executions}")
    expect(after_grpc.inference_count == after_http["inference_count"], f"grpc {after_grpc.inference_count} != http {after_http['inference_count']}")
    expect(after_grpc.execution_count == after_http["execution_count"], "grpc and http execution counts differ")
    expect(after_grpc.inference_stats.success.count >= 2, f"success {after_grpc.inference_stats.success}")
    expect(len(rpc.get_inference_statistics().model_stats) >= 3, "statistics of every model are missing")


# Errors


@case("http: errors carry the v2 error body")
def _():
    expect_error(lambda: http.get_model_metadata("nope"), "'nope'")
    inputs = [httpclient.InferInput("features", [1, 3], "FP32")]
    inputs[0].set_data_from_numpy(np.ones((1, 3), dtype=np.float32))
    expect_error(lambda: http.infer("iris", inputs), "features")
    try:
        urllib.request.urlopen(f"http://{HTTP_URL}/v2/no/such/path")
        raise AssertionError("an unknown v2 path answered 2xx")
    except urllib.error.HTTPError as ex:
        body = json.loads(ex.read())
        expect(ex.code == 404 and set(body) == {"error"}, f"404 body {body}")


@case("grpc: bad input is INVALID_ARGUMENT, unknown model NOT_FOUND")
def _():
    inputs = [grpcclient.InferInput("features", [1, 3], "FP32")]
    inputs[0].set_data_from_numpy(np.ones((1, 3), dtype=np.float32))
    expect_error(lambda: rpc.infer("iris", inputs), "features", status="StatusCode.INVALID_ARGUMENT")
    expect_error(lambda: rpc.infer("nope", inputs), "'nope'", status="StatusCode.NOT_FOUND")
    outputs = [grpcclient.InferRequestedOutput("probabilities", class_count=-1)]
    inputs = [grpcclient.InferInput("features", [1, 4], "FP32")]
    inputs[0].set_data_from_numpy(np.ones((1, 4), dtype=np.float32))
    expect_error(lambda: rpc.infer("iris", inputs, outputs=outputs), "classification", status="StatusCode.INVALID_ARGUMENT")


@case("grpc: absurd shapes are INVALID_ARGUMENT, malformed messages never INTERNAL")
def _():
    channel = grpc.insecure_channel(GRPC_URL)
    try:
        stub = service_pb2_grpc.GRPCInferenceServiceStub(channel)
        request = service_pb2.ModelInferRequest(model_name="iris")
        request.inputs.add(name="features", datatype="FP32", shape=[2**62, 2**62])
        request.raw_input_contents.append(b"\0" * 16)
        try:
            stub.ModelInfer(request, timeout=30)
            raise AssertionError("an absurd shape was accepted")
        except grpc.RpcError as ex:
            expect(ex.code() == grpc.StatusCode.INVALID_ARGUMENT, f"absurd shape: {ex.code()} {ex.details()}")
        garbage = channel.unary_unary("/inference.GRPCInferenceService/ModelInfer")
        try:
            garbage(b"\xff\xff\xff\xff\x0f", timeout=30)
            raise AssertionError("a malformed message was accepted")
        except grpc.RpcError as ex:
            expect(ex.code() == grpc.StatusCode.INVALID_ARGUMENT, f"malformed: {ex.code()} {ex.details()}")
    finally:
        channel.close()


@case("grpc: a deadline shorter than the model ends in DEADLINE_EXCEEDED")
def _():
    tensor = grpcclient.InferInput("x", [1, 256], "FP32")
    tensor.set_data_from_numpy(np.ones((1, 256), dtype=np.float32))
    expect_error(lambda: rpc.infer("slow", [tensor], client_timeout=0.001), status="StatusCode.DEADLINE_EXCEEDED")


@case("http: model config")
def _():
    config = http.get_model_config("iris")
    expect(config["name"] == "iris" and config["platform"] == "onnxruntime_onnx", f"config {config}")
    expect(config["max_batch_size"] > 0, f"max_batch_size {config['max_batch_size']}")
    expect(config["input"][0]["name"] == "features" and config["input"][0]["data_type"] == "TYPE_FP32", f"input {config['input']}")
    expect(config["input"][0]["dims"] == [4], f"dims {config['input'][0]['dims']}")
    expect(http.get_model_config("breast-cancer", "1")["input"][0]["dims"] == [30], "breast-cancer/1 dims")
    expect_error(lambda: http.get_model_config("nope"), "nope")


@case("grpc: model config, the same as http")
def _():
    config = rpc.get_model_config("iris", as_json=True)["config"]
    rest = http.get_model_config("iris")
    expect(config["name"] == rest["name"] and config["platform"] == rest["platform"], f"config {config}")
    expect(int(config["max_batch_size"]) == rest["max_batch_size"], f"max_batch_size {config['max_batch_size']}")
    expect([i["name"] for i in config["input"]] == [i["name"] for i in rest["input"]], f"inputs {config['input']}")
    expect([o["name"] for o in config["output"]] == [o["name"] for o in rest["output"]], f"outputs {config['output']}")
    expect(config["input"][0]["data_type"] == "TYPE_FP32", f"input {config['input']}")
    expect([int(d) for d in config["input"][0]["dims"]] == rest["input"][0]["dims"], f"dims {config['input'][0]['dims']}")
    expect_error(lambda: rpc.get_model_config("nope"), "nope", status="StatusCode.NOT_FOUND")


@case("http: shared-memory and trace endpoints are not implemented, with the reason")
def _():
    expect_error(lambda: http.get_system_shared_memory_status(), "system_shared_memory")
    expect_error(lambda: http.get_cuda_shared_memory_status(), "cuda_shared_memory")
    expect_error(lambda: http.get_trace_settings(), "trace")
    expect(not any("shared_memory" in e or "trace" in e for e in http.get_server_metadata()["extensions"]), "an unoffered extension is claimed")


@case("grpc: shared-memory and trace rpcs are unimplemented, with the reason")
def _():
    expect_error(lambda: rpc.get_system_shared_memory_status(), "system_shared_memory", status="StatusCode.UNIMPLEMENTED")
    expect_error(lambda: rpc.get_cuda_shared_memory_status(), "cuda_shared_memory", status="StatusCode.UNIMPLEMENTED")
    expect_error(lambda: rpc.get_trace_settings(), "trace", status="StatusCode.UNIMPLEMENTED")


for name, failure in results:
    print(f"PASS {name}" if failure is None else f"FAIL {name}: {failure}")
failed = sum(1 for _, failure in results if failure is not None)
print(f"{len(results) - failed} of {len(results)} cases passed")
sys.exit(1 if failed else 0)
