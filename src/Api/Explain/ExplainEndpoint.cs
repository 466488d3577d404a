using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Orleans;
using OrleansInference.Api.Http;
using OrleansInference.Api.Predict;
using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Catalog;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Api.Explain;

/// <summary>
/// <c>POST /api/v1/explain</c>: why the model predicted what it did for one row. Occlusion attributions: each
/// feature is replaced in turn by its baseline (the configured default, i.e. the training mean for the demo models)
/// and the drop in the predicted class's probability is that feature's contribution. The row and its N variations
/// run as one batch of N+1 rows through the serving version.
/// </summary>
internal static class ExplainEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, GridCalls grid, ModelCatalog catalog, IOptions<ApiOptions> options, TimeProvider time)
    {
        var cancellationToken = context.RequestAborted;
        using var body = await RequestBodyReader.ReadAsync(context.Request, options.Value.MaxRequestBodyBytes, cancellationToken);
        var envelope = PredictRequestReader.ReadEnvelope(body.Span);
        if (string.IsNullOrEmpty(envelope.Model) || !envelope.HasFeatures)
        {
            return Problems.BadRequest("The body needs 'model' and 'features' (one row).");
        }

        if (!catalog.Contains(envelope.Model))
        {
            return Problems.NotFound($"Model '{envelope.Model}' is not registered. Registered models: {string.Join(", ", catalog.ModelNames)}.");
        }

        var route = await grid.ResolveAsync(envelope.Model, envelope.Version, envelope.UserId, cancellationToken);
        if (!route.Found || !catalog.TryGet(envelope.Model, route.Version!, out var entry))
        {
            return Problems.ForMissingRoute(context.Response, route, $"Model '{envelope.Model}' has no version '{envelope.Version}'.");
        }

        var vectorizer = entry.Vectorizer;
        var columns = vectorizer.Columns;
        var (rowCount, _) = PredictRequestReader.ReadFeatures(body.Span, vectorizer, out var parsed);
        float[] raw;
        try
        {
            if (rowCount != 1)
            {
                return Problems.BadRequest($"Explain takes one row; the request has {rowCount}.");
            }

            raw = parsed.AsSpan(0, columns).ToArray();
        }
        finally
        {
            ArrayPool<float>.Shared.Return(parsed);
        }

        var batch = new float[(columns + 1) * columns];
        for (var r = 0; r <= columns; r++)
        {
            raw.CopyTo(batch, r * columns);
            if (r > 0)
            {
                batch[(r * columns) + r - 1] = vectorizer.BaselineOf(r - 1);
            }
        }

        vectorizer.Transform(batch);
        var input = new NamedTensor(vectorizer.InputName, TensorDataType.Float32, [columns + 1, columns], MemoryMarshal.AsBytes(batch.AsSpan()).ToArray());
        var outputName = entry.Postprocessor.OutputName;
        var deadline = time.GetUtcNow().AddMilliseconds(options.Value.DefaultDeadlineMs);
        var result = await grid.InferAsync(ModelKeys.VersionKey(entry.Name, entry.Version), new InferenceRequest(null, [input], [outputName], RequestPriority.RealTime, deadline), cancellationToken);
        if (!result.IsSuccess)
        {
            InferenceStatusHttp.SetRetryAfter(context.Response, result.Status, result.RetryAfter);
            return Problems.ForStatus(result.Status, result.Error ?? $"Model '{entry.Name}/{entry.Version}' failed.");
        }

        using var output = result.Outputs![0];
        if (output.DataType != TensorDataType.Float32)
        {
            return Problems.BadRequest($"Model '{entry.Name}/{entry.Version}' output '{outputName}' is {output.DataType.ToV2Name()}; explanations need FP32 scores.");
        }

        var scores = output.AsSpan<float>();
        var classes = scores.Length / (columns + 1);
        var prediction = entry.Postprocessor.Apply(scores[..classes]);
        var target = (int)prediction.Prediction;
        if (target < 0 || target >= classes)
        {
            target = 0;
        }

        var attributions = new Attribution[columns];
        for (var c = 0; c < columns; c++)
        {
            var contribution = scores[target] - scores[((c + 1) * classes) + target];
            attributions[c] = new Attribution(vectorizer.FeatureNames[c], raw[c], vectorizer.BaselineOf(c), contribution);
        }

        Array.Sort(attributions, static (a, b) => Math.Abs(b.Contribution).CompareTo(Math.Abs(a.Contribution)));
        context.Response.ContentType = "application/json";
        await using (var writer = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            Write(writer, entry.Name, entry.Version, prediction, scores[target], attributions);
        }

        return Results.Empty;
    }

    private static void Write(Utf8JsonWriter writer, string model, string version, RowPrediction prediction, float probability, Attribution[] attributions)
    {
        writer.WriteStartObject();
        writer.WriteString("model"u8, model);
        writer.WriteString("model_version"u8, version);
        writer.WriteNumber("prediction"u8, prediction.Prediction);
        if (prediction.Label is not null)
        {
            writer.WriteString("label"u8, prediction.Label);
        }

        writer.WriteNumber("probability"u8, probability);
        writer.WriteString("method"u8, "occlusion: each feature replaced by its baseline; contribution = drop in the predicted class's probability");
        writer.WriteStartArray("attributions"u8);
        foreach (var a in attributions)
        {
            writer.WriteStartObject();
            writer.WriteString("feature"u8, a.Feature);
            writer.WriteNumber("value"u8, a.Value);
            writer.WriteNumber("baseline"u8, a.Baseline);
            writer.WriteNumber("contribution"u8, a.Contribution);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private readonly record struct Attribution(string Feature, float Value, float Baseline, float Contribution);
}
