using System.Globalization;
using System.Text.Json.Nodes;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Api.Tests.Conformance;

/// <summary>
/// Writes backend test cases into a model repository as <c>onnx-NNNN/1</c>, each with a config built from the shapes
/// the model declares (a dimension without a value becomes -1; an input or output of unknown rank takes the rank of
/// its first data set's tensor, every dimension -1).
/// </summary>
public static class ConformanceModels
{
    /// <summary>The model name of the case at <paramref name="index"/>.</summary>
    public static string ModelName(int index) => "onnx-" + index.ToString("D4", CultureInfo.InvariantCulture);

    /// <summary>Writes <c>model.onnx</c> and <c>config.json</c> of one case.</summary>
    public static void Write(string modelRoot, int index, OnnxBackendCase testCase, OnnxBackendDataSet firstSet)
    {
        var name = ModelName(index);
        var dir = Path.Combine(modelRoot, name, "1");
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), testCase.Model);
        var config = new JsonObject
        {
            ["name"] = name,
            ["version"] = "1",
            ["description"] = $"ONNX backend test {testCase.Id}.",
            ["stage"] = "production",
            ["inputs"] = Specs(testCase.Inputs, firstSet.Inputs),
            ["outputs"] = Specs(testCase.Outputs, firstSet.Outputs),
        };
        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString());
    }

    private static JsonArray Specs(IReadOnlyList<DeclaredTensor> declared, IReadOnlyList<ReferenceTensor> data)
    {
        var specs = new JsonArray();
        for (var i = 0; i < declared.Count; i++)
        {
            var shape = declared[i].Shape ?? (i < data.Count ? data[i].Shape.Select(_ => -1L).ToArray() : []);
            specs.Add(new JsonObject
            {
                ["name"] = declared[i].Name,
                ["datatype"] = declared[i].DataType.ToV2Name(),
                ["shape"] = new JsonArray(shape.Select(d => (JsonNode)d).ToArray()),
            });
        }

        return specs;
    }
}
