using System.Security.Cryptography;
using System.Text.Json;
using OrleansInference.ModelTrainer.Export;
using OrleansInference.ModelTrainer.Training;
using OrleansInference.OnnxModel.Proto;

namespace OrleansInference.ModelTrainer.Tests.Export;

/// <summary>The committed <c>models/</c> folder is exactly what the trainer produces now.</summary>
[Collection(TrainedModelsCollection.Name)]
public sealed class ModelRepositoryTests(TrainedModelsFixture fixture) : IDisposable
{
    private static readonly string[] VersionFiles = ["model.onnx", "config.json", "samples.json"];

    private readonly string _temp = Directory.CreateTempSubdirectory("model-trainer-tests-").FullName;

    public static TheoryData<string, string> Versions => new()
    {
        { "breast-cancer", "1" },
        { "breast-cancer", "2" },
        { "iris", "1" },
        { "digits", "1" },
    };

    [Theory]
    [MemberData(nameof(Versions))]
    public void CommittedConfig_RecordsSha256OfCommittedModel(string name, string version)
    {
        var directory = Path.Combine(RepositoryPaths.Models, name, version);
        using var config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, "config.json")));

        var actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(directory, "model.onnx"))));

        Assert.Equal(actual, config.RootElement.GetProperty("sha256").GetString());
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Retraining_ReproducesCommittedFilesByteForByte(string name, string version)
    {
        var model = Find(name, version);

        var published = ModelRepositoryWriter.Write(model, _temp);

        foreach (var file in VersionFiles)
        {
            var committed = File.ReadAllBytes(Path.Combine(RepositoryPaths.Models, name, version, file));
            var produced = File.ReadAllBytes(Path.Combine(published.Directory, file));
            Assert.True(
                committed.AsSpan().SequenceEqual(produced),
                $"models/{name}/{version}/{file} differs from what the trainer produces now; rerun `dotnet run --project tools/ModelTrainer -- --data data --out models`.");
        }
    }

    [Fact]
    public void CommittedReadme_IsWhatTheTrainerGenerates()
    {
        var expected = RepositoryReadmeWriter.Write(fixture.Models);

        Assert.Equal(expected, File.ReadAllText(Path.Combine(RepositoryPaths.Models, "README.md")));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Config_FollowsRepositorySchema(string name, string version)
    {
        var model = Find(name, version);
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(RepositoryPaths.Models, name, version, "config.json")));
        var root = document.RootElement;
        var features = model.Network.InputCount;
        var classes = model.Network.OutputCount;

        Assert.Equal(name, root.GetProperty("name").GetString());
        Assert.Equal(version, root.GetProperty("version").GetString());
        var input = Assert.Single(root.GetProperty("inputs").EnumerateArray());
        Assert.Equal(model.Spec.InputName, input.GetProperty("name").GetString());
        Assert.Equal("FP32", input.GetProperty("datatype").GetString());
        Assert.Equal([-1, features], input.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        var output = Assert.Single(root.GetProperty("outputs").EnumerateArray());
        Assert.Equal([-1, classes], output.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(features, root.GetProperty("feature_names").GetArrayLength());

        var preprocessing = root.GetProperty("preprocessing");
        Assert.Equal(features, preprocessing.GetProperty("standardize").GetProperty("mean").GetArrayLength());
        Assert.Equal(features, preprocessing.GetProperty("standardize").GetProperty("std").GetArrayLength());
        Assert.Equal(
            root.GetProperty("feature_names").EnumerateArray().Select(e => e.GetString()),
            preprocessing.GetProperty("defaults").EnumerateObject().Select(p => p.Name));

        var postprocessing = root.GetProperty("postprocessing");
        Assert.Equal("classification", postprocessing.GetProperty("kind").GetString());
        Assert.Equal(classes, postprocessing.GetProperty("labels").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, postprocessing.GetProperty("threshold").ValueKind);

        Assert.True(root.GetProperty("batching").GetProperty("max_batch_size").GetInt32() > 0);
        Assert.All(root.GetProperty("warmup_samples").EnumerateArray(), row => Assert.Equal(features, row.GetArrayLength()));
        Assert.Equal("production", root.GetProperty("stage").GetString());
        Assert.Equal("2026-11-24T00:00:00Z", root.GetProperty("metadata").GetProperty("trained_at").GetString());
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Samples_HoldTwentyTestRowsWithReferenceProbabilities(string name, string version)
    {
        var model = Find(name, version);
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(RepositoryPaths.Models, name, version, "samples.json")));
        var rows = document.RootElement.GetProperty("rows").EnumerateArray().ToArray();
        var labels = document.RootElement.GetProperty("labels").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var expected = document.RootElement.GetProperty("expected_probabilities").EnumerateArray().ToArray();

        Assert.Equal(20, rows.Length);
        Assert.Equal(20, labels.Length);
        Assert.Equal(20, expected.Length);
        var correct = 0;
        for (var i = 0; i < rows.Length; i++)
        {
            var probabilities = expected[i].EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.Equal(model.Network.OutputCount, probabilities.Length);
            Assert.Equal(1.0, probabilities.Sum(), 5);
            correct += Array.IndexOf(probabilities, probabilities.Max()) == labels[i] ? 1 : 0;
        }

        Assert.True(correct >= 17, $"Model '{name}/{version}': only {correct} of 20 sample rows are classified correctly.");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void CommittedOnnx_HasGemmSoftmaxGraphWithNamedIo(string name, string version)
    {
        var model = Find(name, version);
        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(RepositoryPaths.Models, name, version, "model.onnx")));

        Assert.Equal(8, proto.IrVersion);
        Assert.Equal(17, Assert.Single(proto.OpsetImport).Version);
        Assert.Equal(model.Spec.InputName, Assert.Single(proto.Graph.Input).Name);
        Assert.Equal(model.Spec.OutputName, Assert.Single(proto.Graph.Output).Name);
        Assert.Equal(model.Network.Layers.Count, proto.Graph.Node.Count(n => n.OpType == "Gemm"));
        Assert.Equal("Softmax", proto.Graph.Node[^1].OpType);
        Assert.Equal(model.Network.Layers.Count * 2, proto.Graph.Initializer.Count);
    }

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private TrainedModel Find(string name, string version) =>
        fixture.Models.Single(m => m.Spec.Name == name && m.Spec.Version == version);
}
