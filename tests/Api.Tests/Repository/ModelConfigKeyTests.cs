using System.Text;
using System.Text.Json.Nodes;
using OrleansInference.Api.Tests.Infrastructure;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Api.Tests.Repository;

/// <summary>
/// No key of a model config is silently ignored: an unknown key, at the top or nested, is refused at parse time with a
/// message naming it, where it stands and the keys accepted there; every shipped demo config still parses.
/// </summary>
public sealed class ModelConfigKeyTests
{
    public static TheoryData<string> ShippedConfigs()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(RepositoryPaths.Models, "config.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepositoryPaths.Models, path));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ShippedConfigs))]
    public void ShippedConfig_Parses(string relativePath)
    {
        var config = ModelRepository.ParseConfig(File.ReadAllBytes(Path.Combine(RepositoryPaths.Models, relativePath)), relativePath);

        Assert.False(string.IsNullOrEmpty(config.Name));
    }

    [Theory]
    [InlineData("$", "preprocesing", "preprocessing")]
    [InlineData("$.inputs[0]", "dtype", "datatype")]
    [InlineData("$.preprocessing.standardize", "means", "mean")]
    [InlineData("$.postprocessing", "top_n", "top_k")]
    [InlineData("$.batching", "max_batch", "max_batch_size")]
    public void UnknownKey_IsRefused_NamingItAndTheAcceptedKeys(string where, string unknown, string accepted)
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Models, "iris", "1", "config.json")))!.AsObject();
        config["batching"] ??= new JsonObject();
        var target = where switch
        {
            "$" => config,
            "$.inputs[0]" => config["inputs"]![0]!.AsObject(),
            "$.preprocessing.standardize" => config["preprocessing"]!["standardize"]!.AsObject(),
            "$.postprocessing" => config["postprocessing"]!.AsObject(),
            _ => config["batching"]!.AsObject(),
        };
        target[unknown] = 1;

        var error = Assert.Throws<ModelRepositoryException>(() => ModelRepository.ParseConfig(Encoding.UTF8.GetBytes(config.ToJsonString()), "iris config"));

        Assert.Contains($"unknown key '{unknown}' at '{where}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(accepted, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FreeFormMetadata_AcceptsAnyKey()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Models, "iris", "1", "config.json")))!.AsObject();
        config["metadata"] = new JsonObject { ["owner"] = "risk-team", ["anything"] = new JsonObject { ["nested"] = true } };

        var parsed = ModelRepository.ParseConfig(Encoding.UTF8.GetBytes(config.ToJsonString()), "iris config");

        Assert.Equal("risk-team", (string?)parsed.Metadata!["owner"]);
    }
}
