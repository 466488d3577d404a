using System.Buffers.Binary;
using System.Globalization;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Api.KServe;

/// <summary>
/// The classification extension: a requested output with parameter <c>classification</c> = k (k &gt; 0) comes back as
/// a BYTES tensor of the k largest values per row, each <c>"value:index"</c>, or <c>"value:index:label"</c> when the
/// model's configuration names class labels for that output, as Triton answers. The first dimension is the batch;
/// an output of shape [N,C] becomes [N,k], one of shape [C] becomes [k]; k past C returns every class.
/// </summary>
internal static class V2Classification
{
    /// <summary>The largest class count a request may ask for.</summary>
    public const int MaxClassCount = 1 << 20;

    /// <summary>Reads the output's <c>classification</c> parameter: 0 when absent, else a count from 0 to <see cref="MaxClassCount"/>.</summary>
    public static string? TryReadCount(string outputName, IReadOnlyDictionary<string, V2ParameterValue> parameters, out int count)
    {
        count = 0;
        if (!parameters.TryGetValue(V2Protocol.Classification, out var value))
        {
            return null;
        }

        if (!value.TryGetInt64(out var k) || k < 0 || k > MaxClassCount)
        {
            return $"Output '{outputName}' parameter '{V2Protocol.Classification}' must be an integer from 0 to {MaxClassCount} (the number of top classes to return); got {value}.";
        }

        count = (int)k;
        return null;
    }

    /// <summary>True when any requested output asks for classification.</summary>
    public static bool IsRequested(V2InferRequest request)
    {
        foreach (var output in request.Outputs)
        {
            if (TryReadCount(output.Name, output.Parameters, out var k) is null && k > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Replaces each output the request asks to classify with its top classes; disposes the replaced tensors. A
    /// failure (a non-numeric output) disposes every output of <paramref name="result"/>.
    /// </summary>
    /// <param name="result">A successful result; its outputs are taken over.</param>
    /// <param name="request">The request, for each output's <c>classification</c> parameter.</param>
    /// <param name="labelsOf">The class labels of an output by name, or null when the model names none.</param>
    public static V2Outcome<InferenceResult> Apply(InferenceResult result, V2InferRequest request, Func<string, IReadOnlyList<string>?> labelsOf)
    {
        var outputs = result.Outputs ?? [];
        var replaced = new NamedTensor[outputs.Count];
        for (var i = 0; i < outputs.Count; i++)
        {
            var tensor = outputs[i];
            replaced[i] = tensor;
            var k = CountFor(request, tensor.Name);
            if (k == 0)
            {
                continue;
            }

            if (tensor.DataType is TensorDataType.String or TensorDataType.Bool or TensorDataType.Undefined)
            {
                foreach (var output in outputs)
                {
                    output.Dispose();
                }

                return V2Failure.BadRequest(
                    $"Output '{tensor.Name}' of model '{result.ModelName}/{result.ModelVersion}' is {tensor.DataType.ToV2Name()}; '{V2Protocol.Classification}' needs a numeric output.");
            }

            replaced[i] = Classify(tensor, k, labelsOf(tensor.Name));
            tensor.Dispose();
        }

        return result with { Outputs = replaced };
    }

    private static int CountFor(V2InferRequest request, string outputName)
    {
        foreach (var output in request.Outputs)
        {
            if (output.Name == outputName)
            {
                TryReadCount(output.Name, output.Parameters, out var k);
                return k;
            }
        }

        return 0;
    }

    private static NamedTensor Classify(NamedTensor tensor, int k, IReadOnlyList<string>? labels)
    {
        var shape = tensor.Shape;
        var elements = tensor.ElementCount;
        var rows = shape.Length >= 2 ? shape[0] : 1;
        var classes = rows == 0 ? 0 : (int)(elements / rows);
        var top = Math.Min(k, classes);
        var strings = new string[rows * top];
        var values = new double[classes];
        var order = new int[classes];
        var isFloat = tensor.DataType is TensorDataType.Float32 or TensorDataType.Float64 or TensorDataType.Float16 or TensorDataType.BFloat16;
        for (var row = 0; row < rows; row++)
        {
            for (var c = 0; c < classes; c++)
            {
                values[c] = Element(tensor, (row * classes) + c);
                order[c] = c;
            }

            // Stable: equal values keep class order, so the answer is deterministic.
            Array.Sort(order, (a, b) => values[b].CompareTo(values[a]) is var byValue && byValue != 0 ? byValue : a.CompareTo(b));
            for (var j = 0; j < top; j++)
            {
                var c = order[j];
                var value = isFloat
                    ? values[c].ToString("F6", CultureInfo.InvariantCulture)
                    : values[c].ToString("F0", CultureInfo.InvariantCulture);
                var index = c.ToString(CultureInfo.InvariantCulture);
                strings[(row * top) + j] = labels is not null && c < labels.Count ? $"{value}:{index}:{labels[c]}" : $"{value}:{index}";
            }
        }

        long[] resultShape = shape.Length >= 2 ? [rows, top] : [top];
        return new NamedTensor(tensor.Name, resultShape, strings);
    }

    private static double Element(NamedTensor tensor, long index)
    {
        var data = tensor.Data.Span;
        var size = tensor.DataType.ElementSize();
        var bytes = data.Slice((int)(index * size), size);
        return tensor.DataType switch
        {
            TensorDataType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(bytes),
            TensorDataType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(bytes),
            TensorDataType.Float16 => (double)BinaryPrimitives.ReadHalfLittleEndian(bytes),
            TensorDataType.BFloat16 => BFloat16Bits.ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes)),
            TensorDataType.Int8 => (sbyte)bytes[0],
            TensorDataType.UInt8 => bytes[0],
            TensorDataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(bytes),
            TensorDataType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
            TensorDataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(bytes),
            TensorDataType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            TensorDataType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(bytes),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
        };
    }
}
