using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Api.KServe;

/// <summary>
/// Writes a KServe v2 <c>$inference_response</c> with <see cref="Utf8JsonWriter"/>. Tensor data is written flat;
/// floats in shortest round-trip form, FP16 and BF16 as numbers, NaN and infinities as the strings "NaN",
/// "Infinity" and "-Infinity" (JSON has no literals for them). Outputs the request asks for as binary data
/// (<c>binary_data</c>, or the request's <c>binary_data_output</c>) follow the JSON as raw bytes, in output order.
/// </summary>
public static partial class V2InferResponseWriter
{
    /// <summary>Writes the response for a successful <paramref name="result"/>.</summary>
    /// <param name="output">Receives the body.</param>
    /// <param name="result">A successful result; failures are written with <see cref="V2ErrorWriter"/>.</param>
    /// <param name="request">The request, for its id and output selection; null writes every output as JSON.</param>
    /// <param name="parameters">Response-level parameters; null or empty writes none.</param>
    public static V2ResponseLayout Write(
        IBufferWriter<byte> output,
        InferenceResult result,
        V2InferRequest? request = null,
        IReadOnlyDictionary<string, V2ParameterValue>? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!result.IsSuccess)
        {
            throw new ArgumentException($"The result for model '{result.ModelName}' is {result.Status}; write failures with {nameof(V2ErrorWriter)}.", nameof(result));
        }

        return Write(output, result.ModelName, result.ModelVersion, request?.Request.Id, result.Outputs ?? [], request, parameters);
    }

    /// <summary>Writes a response for <paramref name="outputs"/>.</summary>
    /// <param name="output">Receives the body.</param>
    /// <param name="modelName">The <c>model_name</c>.</param>
    /// <param name="modelVersion">The <c>model_version</c>; omitted when null.</param>
    /// <param name="id">The request's <c>id</c>; omitted when null.</param>
    /// <param name="outputs">The output tensors, in the order to write them.</param>
    /// <param name="request">
    /// When given, only the outputs it names are written (all when it names none), and those it asks for as binary
    /// data are written after the JSON.
    /// </param>
    /// <param name="parameters">Response-level parameters; null or empty writes none.</param>
    public static V2ResponseLayout Write(
        IBufferWriter<byte> output,
        string modelName,
        string? modelVersion,
        string? id,
        IReadOnlyList<NamedTensor> outputs,
        V2InferRequest? request = null,
        IReadOnlyDictionary<string, V2ParameterValue>? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(modelName);
        ArgumentNullException.ThrowIfNull(outputs);

        long binaryLength = 0;
        var hasBinary = false;
        long jsonLength;
        using (var writer = new Utf8JsonWriter(output, V2JsonOptions.Writer))
        {
            writer.WriteStartObject();
            writer.WriteString("model_name"u8, modelName);
            if (modelVersion is not null)
            {
                writer.WriteString("model_version"u8, modelVersion);
            }

            if (id is not null)
            {
                writer.WriteString("id"u8, id);
            }

            if (parameters is { Count: > 0 })
            {
                writer.WritePropertyName("parameters"u8);
                WriteParameters(writer, parameters);
            }

            writer.WriteStartArray("outputs"u8);
            foreach (var tensor in outputs)
            {
                if (!IsSelected(request, tensor.Name))
                {
                    continue;
                }

                var binary = request?.WantsBinary(tensor.Name) ?? false;
                CheckLength(tensor);
                writer.WriteStartObject();
                writer.WriteString("name"u8, tensor.Name);
                writer.WriteString("datatype"u8, tensor.DataType.ToV2Name());
                writer.WriteStartArray("shape"u8);
                foreach (var dim in tensor.Shape)
                {
                    writer.WriteNumberValue(dim);
                }

                writer.WriteEndArray();
                if (binary)
                {
                    var size = BinarySize(tensor);
                    writer.WriteStartObject("parameters"u8);
                    writer.WriteNumber("binary_data_size"u8, size);
                    writer.WriteEndObject();
                    binaryLength += size;
                    hasBinary = true;
                }
                else
                {
                    writer.WriteStartArray("data"u8);
                    WriteData(writer, tensor);
                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.Flush();
            jsonLength = writer.BytesCommitted;
        }

        if (hasBinary)
        {
            foreach (var tensor in outputs)
            {
                if (IsSelected(request, tensor.Name) && request!.WantsBinary(tensor.Name))
                {
                    WriteBinary(output, tensor);
                }
            }
        }

        return new V2ResponseLayout(jsonLength, binaryLength, hasBinary);
    }

    private static bool IsSelected(V2InferRequest? request, string name)
    {
        if (request is null || request.Outputs.Count == 0)
        {
            return true;
        }

        foreach (var requested in request.Outputs)
        {
            if (requested.Name == name)
            {
                return true;
            }
        }

        return false;
    }

    private static void CheckLength(NamedTensor tensor)
    {
        var count = ShapeMath.ElementCount(tensor.Shape);
        if (tensor.DataType == TensorDataType.String)
        {
            var strings = tensor.Strings?.Length ?? 0;
            if (strings != count)
            {
                throw new ArgumentException($"Output '{tensor.Name}' has shape {ShapeMath.Format(tensor.Shape)} ({count} elements) but holds {strings} strings.", nameof(tensor));
            }
        }
        else if (tensor.Data.Length != count * tensor.DataType.ElementSize())
        {
            throw new ArgumentException(
                $"Output '{tensor.Name}' has shape {ShapeMath.Format(tensor.Shape)} of {tensor.DataType.ToV2Name()} ({count * tensor.DataType.ElementSize()} bytes) but holds {tensor.Data.Length} bytes.",
                nameof(tensor));
        }
    }

    private static long BinarySize(NamedTensor tensor)
    {
        if (tensor.DataType != TensorDataType.String)
        {
            return tensor.Data.Length;
        }

        long size = 0;
        foreach (var value in tensor.Strings!)
        {
            size += 4 + Encoding.UTF8.GetByteCount(value);
        }

        return size;
    }

    private static void WriteBinary(IBufferWriter<byte> output, NamedTensor tensor)
    {
        if (tensor.DataType == TensorDataType.String)
        {
            foreach (var value in tensor.Strings!)
            {
                var length = Encoding.UTF8.GetByteCount(value);
                var span = output.GetSpan(4 + length);
                BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)length);
                Encoding.UTF8.GetBytes(value, span[4..]);
                output.Advance(4 + length);
            }

            return;
        }

        var source = tensor.Data.Span;
        while (!source.IsEmpty)
        {
            var span = output.GetSpan(Math.Min(source.Length, 64 * 1024));
            var chunk = Math.Min(span.Length, source.Length);
            source[..chunk].CopyTo(span);
            output.Advance(chunk);
            source = source[chunk..];
        }
    }

    private static void WriteParameters(Utf8JsonWriter writer, IReadOnlyDictionary<string, V2ParameterValue> parameters)
    {
        writer.WriteStartObject();
        foreach (var (key, value) in parameters)
        {
            switch (value.Kind)
            {
                case V2ParameterKind.String:
                    value.TryGetString(out var text);
                    writer.WriteString(key, text);
                    break;
                case V2ParameterKind.Integer:
                    value.TryGetInt64(out var integer);
                    writer.WriteNumber(key, integer);
                    break;
                case V2ParameterKind.Number:
                    value.TryGetDouble(out var number);
                    writer.WritePropertyName(key);
                    WriteDouble(writer, number);
                    break;
                default:
                    value.TryGetBoolean(out var flag);
                    writer.WriteBoolean(key, flag);
                    break;
            }
        }

        writer.WriteEndObject();
    }
}
