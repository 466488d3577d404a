using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OrleansInference.Api.Tests.Infrastructure;
using OrleansInference.OnnxModel;
using DataType = OrleansInference.OnnxModel.Proto.TensorProto.Types.DataType;

namespace OrleansInference.Api.Tests.EndToEnd;

/// <summary>
/// Models beyond feature vectors through v2 infer on a real server: scalar and empty tensors, and warm-up of models
/// that reject zeros (integer division) with and without their own <c>warmup_inputs</c>.
/// </summary>
public sealed class GeneralModelsEndToEndTests : IAsyncLifetime
{
    private ApiServer? _server;

    private HttpClient Client => _server!.Client;

    public async Task InitializeAsync() => _server = await ApiServer.StartAsync(WriteModels);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task ScalarInputAndOutput_AreServed()
    {
        var (status, json) = await InferAsync("scalar-add", """{"inputs": [{"name": "x", "shape": [], "datatype": "FP32", "data": [1.5]}]}""");

        Assert.True(status == HttpStatusCode.OK, json.ToJsonString());
        Assert.Equal("[]", json["outputs"]![0]!["shape"]!.ToJsonString());
        Assert.Equal(3.0, (double)json["outputs"]![0]!["data"]![0]!);
    }

    [Fact]
    public async Task EmptyBatch_IsServedAsAnEmptyTensor()
    {
        var (status, json) = await InferAsync("identity-fp32", """{"inputs": [{"name": "x", "shape": [0, 3], "datatype": "FP32", "data": []}]}""");

        Assert.True(status == HttpStatusCode.OK, json.ToJsonString());
        Assert.Equal("[0,3]", json["outputs"]![0]!["shape"]!.ToJsonString());
        Assert.Empty(json["outputs"]![0]!["data"]!.AsArray());
    }

    [Fact]
    public async Task ModelRejectingZeros_WithoutWarmupInputs_LoadsAfterItsSyntheticWarmupFails_AndServes()
    {
        var (status, json) = await InferAsync("div-int32", DivBody(2));

        Assert.True(status == HttpStatusCode.OK, json.ToJsonString());
        Assert.Equal("[3,5,-2]", json["outputs"]![0]!["data"]!.ToJsonString());
    }

    [Fact]
    public async Task ModelRejectingZeros_WithItsOwnWarmupInputs_WarmsWithThemAndServes()
    {
        using var load = await Client.PostAsync("api/v1/models/div-int32-warm/versions/1/load", null);
        Assert.Equal(HttpStatusCode.OK, load.StatusCode);

        var (status, json) = await InferAsync("div-int32-warm", DivBody(2));

        Assert.True(status == HttpStatusCode.OK, json.ToJsonString());
        Assert.Equal("[3,5,-2]", json["outputs"]![0]!["data"]!.ToJsonString());
    }

    [Fact]
    public async Task WarmupInputsTheModelRejects_FailTheLoad_WithTheReason()
    {
        var (status, json) = await InferAsync("div-int32-badwarm", DivBody(2));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("warmup_inputs failed", (string?)json["error"], StringComparison.Ordinal);
    }

    private static string DivBody(int divisor) =>
        $$"""{"inputs": [{"name": "a", "shape": [3], "datatype": "INT32", "data": [6, 10, -4]}, {"name": "b", "shape": [3], "datatype": "INT32", "data": [{{divisor}}, {{divisor}}, {{divisor}}]}]}""";

    private async Task<(HttpStatusCode Status, JsonNode Json)> InferAsync(string model, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync($"v2/models/{model}/versions/1/infer", content);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    private static void WriteModels(string modelRoot)
    {
        TestModels.WriteAll(modelRoot);
        Write(modelRoot, "scalar-add",
            new OnnxGraphBuilder("scalar").AddInput("x", DataType.Float).AddOutput("y", DataType.Float).AddNode("Add", ["x", "x"], ["y"]).ToBytes(),
            new JsonArray(Spec("x", "FP32")), new JsonArray(Spec("y", "FP32")), warmup: null);

        // Integer division fails on a zero divisor, so a warm-up of zeros is refused by the model.
        var div = new OnnxGraphBuilder("div")
            .AddInput("a", DataType.Int32, 3L)
            .AddInput("b", DataType.Int32, 3L)
            .AddOutput("q", DataType.Int32, 3L)
            .AddNode("Div", ["a", "b"], ["q"])
            .ToBytes();
        var divInputs = new JsonArray(Spec("a", "INT32", 3), Spec("b", "INT32", 3));
        Write(modelRoot, "div-int32", div, divInputs, new JsonArray(Spec("q", "INT32", 3)), warmup: null);
        Write(modelRoot, "div-int32-warm", div, divInputs.DeepClone().AsArray(), new JsonArray(Spec("q", "INT32", 3)), WarmupDiv(1));
        Write(modelRoot, "div-int32-badwarm", div, divInputs.DeepClone().AsArray(), new JsonArray(Spec("q", "INT32", 3)), WarmupDiv(0));
    }

    private static JsonArray WarmupDiv(int divisor) => new(
        new JsonObject { ["name"] = "a", ["datatype"] = "INT32", ["shape"] = new JsonArray(3), ["data"] = new JsonArray(1, 2, 3) },
        new JsonObject { ["name"] = "b", ["datatype"] = "INT32", ["shape"] = new JsonArray(3), ["data"] = new JsonArray(divisor, divisor, divisor) });

    private static JsonObject Spec(string name, string datatype, params long[] shape) =>
        new() { ["name"] = name, ["datatype"] = datatype, ["shape"] = new JsonArray(shape.Select(d => (JsonNode)d).ToArray()) };

    private static void Write(string modelRoot, string name, byte[] model, JsonArray inputs, JsonArray outputs, JsonArray? warmup)
    {
        var dir = Path.Combine(modelRoot, name, "1");
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), model);
        var config = new JsonObject
        {
            ["name"] = name,
            ["version"] = "1",
            ["stage"] = "production",
            ["inputs"] = inputs,
            ["outputs"] = outputs,
        };
        if (warmup is not null)
        {
            config["warmup_inputs"] = warmup;
        }

        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString());
    }
}
