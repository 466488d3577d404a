using System.Text.Json;
using OrleansInference.Api.KServe;

namespace OrleansInference.Api.Tests.KServe;

public sealed class KServeJsonContextTests
{
    [Fact]
    public void Server_and_model_metadata_use_v2_names()
    {
        var server = JsonSerializer.Serialize(new V2ServerMetadata("orleans-inference", "1.0.0", ["binary_tensor_data"]), KServeJsonContext.Default.V2ServerMetadata);
        var model = JsonSerializer.Serialize(
            new V2ModelMetadata("fraud", ["1", "2"], "onnxruntime_onnx", [new V2TensorMetadata("features", "FP32", [-1, 30])], [new V2TensorMetadata("p", "FP32", [-1, 2])]),
            KServeJsonContext.Default.V2ModelMetadata);

        Assert.Equal("""{"name":"orleans-inference","version":"1.0.0","extensions":["binary_tensor_data"]}""", server);
        Assert.Equal(
            """{"name":"fraud","versions":["1","2"],"platform":"onnxruntime_onnx","inputs":[{"name":"features","datatype":"FP32","shape":[-1,30]}],"outputs":[{"name":"p","datatype":"FP32","shape":[-1,2]}]}""",
            model);
    }

    [Fact]
    public void Health_bodies_and_repository_index_entries_use_v2_names()
    {
        IReadOnlyList<TritonRepositoryIndexEntry> index =
        [
            new("fraud", "2", "READY"),
            new("broken", "1", "UNAVAILABLE", "The model file is missing."),
        ];

        Assert.Equal("""{"live":true}""", JsonSerializer.Serialize(new V2ServerLive(true), KServeJsonContext.Default.V2ServerLive));
        Assert.Equal("""{"ready":false}""", JsonSerializer.Serialize(new V2ServerReady(false), KServeJsonContext.Default.V2ServerReady));
        Assert.Equal("""{"name":"fraud","ready":true}""", JsonSerializer.Serialize(new V2ModelReady("fraud", true), KServeJsonContext.Default.V2ModelReady));
        Assert.Equal(
            """[{"name":"fraud","version":"2","state":"READY"},{"name":"broken","version":"1","state":"UNAVAILABLE","reason":"The model file is missing."}]""",
            JsonSerializer.Serialize(index, KServeJsonContext.Default.IReadOnlyListTritonRepositoryIndexEntry));
        Assert.True(JsonSerializer.Deserialize("""{"ready":true}""", KServeJsonContext.Default.TritonRepositoryIndexRequest)!.Ready);
    }

    [Fact]
    public void Model_statistics_use_triton_names_and_read_back()
    {
        static TritonStatisticDuration D(long count, long ns) => new(count, ns);
        var stats = new TritonModelStatisticsResponse(
        [
            new TritonModelStatistics(
                "fraud", "2", 1_700_000_000_000, 12, 3,
                new TritonInferenceStatistics(D(12, 9000), D(1, 10), D(12, 500), D(3, 100), D(3, 7000), D(3, 200)),
                [new TritonBatchStatistics(4, D(3, 100), D(3, 7000), D(3, 200))]),
        ]);

        var json = JsonSerializer.Serialize(stats, KServeJsonContext.Default.TritonModelStatisticsResponse);

        Assert.Equal(
            """{"model_stats":[{"name":"fraud","version":"2","last_inference":1700000000000,"inference_count":12,"execution_count":3,"inference_stats":{"success":{"count":12,"ns":9000},"fail":{"count":1,"ns":10},"queue":{"count":12,"ns":500},"compute_input":{"count":3,"ns":100},"compute_infer":{"count":3,"ns":7000},"compute_output":{"count":3,"ns":200}},"batch_stats":[{"batch_size":4,"compute_input":{"count":3,"ns":100},"compute_infer":{"count":3,"ns":7000},"compute_output":{"count":3,"ns":200}}]}]}""",
            json);
        var back = JsonSerializer.Deserialize(json, KServeJsonContext.Default.TritonModelStatisticsResponse)!;
        Assert.Equal(7000, back.ModelStats[0].BatchStats[0].ComputeInfer.Ns);
        Assert.Equal(stats.ModelStats[0].InferenceStats, back.ModelStats[0].InferenceStats);
    }
}
