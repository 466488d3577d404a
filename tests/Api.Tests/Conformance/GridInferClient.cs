using System.Buffers.Binary;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Api.Tests.Conformance;

/// <summary>The answer of one v2 infer call: the outputs on 200, else the status code and the error message.</summary>
public sealed record GridInferResult(int StatusCode, IReadOnlyList<ReferenceTensor>? Outputs, string? Error);

/// <summary>
/// Calls <c>POST /v2/models/{model}/versions/{version}/infer</c> with every input as binary tensor data and every
/// output asked for as binary data, so elements travel bit-exact (NaN, infinities, FP16 and BF16 included).
/// </summary>
public static class GridInferClient
{
    /// <summary>Sends the inputs and reads the outputs.</summary>
    public static async Task<GridInferResult> InferAsync(HttpClient client, string model, string version, IReadOnlyList<ReferenceTensor> inputs, CancellationToken cancellationToken)
    {
        var binary = new MemoryStream();
        var header = new MemoryStream();
        using (var writer = new Utf8JsonWriter(header))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("inputs");
            foreach (var input in inputs)
            {
                var start = binary.Length;
                WriteBinary(binary, input);
                writer.WriteStartObject();
                writer.WriteString("name", input.Name);
                writer.WriteStartArray("shape");
                foreach (var dim in input.Shape)
                {
                    writer.WriteNumberValue(dim);
                }

                writer.WriteEndArray();
                writer.WriteString("datatype", input.DataType.ToV2Name());
                writer.WriteStartObject("parameters");
                writer.WriteNumber("binary_data_size", binary.Length - start);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartObject("parameters");
            writer.WriteBoolean("binary_data_output", true);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        var headerLength = header.Length;
        binary.Position = 0;
        binary.CopyTo(header);
        using var content = new ByteArrayContent(header.GetBuffer(), 0, (int)header.Length);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add("Inference-Header-Content-Length", headerLength.ToString(CultureInfo.InvariantCulture));
        using var response = await client.PostAsync($"v2/models/{model}/versions/{version}/infer", content, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            string? message;
            try
            {
                message = JsonDocument.Parse(body).RootElement.GetProperty("error").GetString();
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                message = Encoding.UTF8.GetString(body);
            }

            return new GridInferResult((int)response.StatusCode, null, message);
        }

        var jsonLength = response.Headers.TryGetValues("Inference-Header-Content-Length", out var values)
            ? int.Parse(values.Single(), CultureInfo.InvariantCulture)
            : body.Length;
        return new GridInferResult(200, ReadOutputs(body, jsonLength), null);
    }

    private static List<ReferenceTensor> ReadOutputs(byte[] body, int jsonLength)
    {
        using var json = JsonDocument.Parse(body.AsMemory(0, jsonLength));
        var outputs = new List<ReferenceTensor>();
        var offset = jsonLength;
        foreach (var output in json.RootElement.GetProperty("outputs").EnumerateArray())
        {
            var name = output.GetProperty("name").GetString()!;
            if (!TensorDataTypes.TryParseV2Name(output.GetProperty("datatype").GetString(), out var type))
            {
                throw new InvalidDataException($"Output '{name}' has an unknown datatype.");
            }

            var shape = output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var size = output.GetProperty("parameters").GetProperty("binary_data_size").GetInt32();
            var bytes = body.AsSpan(offset, size);
            offset += size;
            outputs.Add(type == TensorDataType.String
                ? new ReferenceTensor(name, type, shape, [], ReadStrings(bytes))
                : new ReferenceTensor(name, type, shape, bytes.ToArray(), null));
        }

        return outputs;
    }

    private static void WriteBinary(Stream stream, ReferenceTensor tensor)
    {
        if (tensor.DataType != TensorDataType.String)
        {
            stream.Write(tensor.Data);
            return;
        }

        Span<byte> prefix = stackalloc byte[4];
        foreach (var value in tensor.Strings!)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            BinaryPrimitives.WriteInt32LittleEndian(prefix, bytes.Length);
            stream.Write(prefix);
            stream.Write(bytes);
        }
    }

    private static string[] ReadStrings(ReadOnlySpan<byte> bytes)
    {
        var strings = new List<string>();
        while (bytes.Length > 0)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes);
            strings.Add(Encoding.UTF8.GetString(bytes.Slice(4, length)));
            bytes = bytes[(4 + length)..];
        }

        return [.. strings];
    }
}
