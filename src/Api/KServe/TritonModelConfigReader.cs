using OrleansInference.Grid.Catalog;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Api.KServe;

/// <summary>Builds <see cref="TritonModelConfig"/> from a version's <c>config.json</c>; what both protocols answer.</summary>
internal static class TritonModelConfigReader
{
    /// <summary>The configuration of <paramref name="version"/>, or of the serving version when it is null.</summary>
    public static V2Outcome<TritonModelConfig> Read(IServiceProvider services, string model, string? version)
    {
        var catalog = services.GetRequiredService<ModelCatalog>();
        var versions = catalog.VersionsOf(model);
        if (versions.Count == 0)
        {
            return V2Failure.NotFound(KServeEndpoints.NotFoundMessage(catalog, model, version));
        }

        CatalogEntry? entry;
        if (version is null)
        {
            entry = versions.LastOrDefault(e => e.Stage == ModelStages.Production) ?? versions[^1];
        }
        else if (!catalog.TryGet(model, version, out entry))
        {
            return V2Failure.NotFound(KServeEndpoints.NotFoundMessage(catalog, model, version));
        }

        return From(model, entry.Config);
    }

    /// <summary>
    /// The model batches when the first dimension of every tensor is variable (<c>-1</c>): then max_batch_size is the
    /// batcher's largest batch and dims drop that dimension; otherwise max_batch_size is 0 and dims are the full shapes.
    /// </summary>
    public static TritonModelConfig From(string model, ModelConfig config)
    {
        var batched = config.Inputs.Concat(config.Outputs).All(t => t.Shape.Length > 0 && t.Shape[0] == -1);
        var maxBatch = batched ? (config.Batching ?? new BatchingConfig()).MaxBatchSize : 0;
        return new TritonModelConfig(
            model,
            KServeEndpoints.Platform,
            "onnxruntime",
            maxBatch,
            config.Inputs.Select(t => ToTensor(t, batched)).ToArray(),
            config.Outputs.Select(t => ToTensor(t, batched)).ToArray());
    }

    /// <summary>Triton's name for a v2 datatype: <c>TYPE_</c> and the v2 name, <c>BYTES</c> as <c>TYPE_STRING</c>.</summary>
    public static string ToTritonType(string datatype) => datatype == "BYTES" ? "TYPE_STRING" : "TYPE_" + datatype;

    private static TritonModelConfigTensor ToTensor(TensorSpec tensor, bool batched) =>
        new(tensor.Name, ToTritonType(tensor.Datatype), batched ? tensor.Shape[1..] : tensor.Shape);
}
