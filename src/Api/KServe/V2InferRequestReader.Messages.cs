using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Api.KServe;

public static partial class V2InferRequestReader
{
    private static readonly string DatatypeList = BuildDatatypeList();

    private static string BuildDatatypeList()
    {
        var names = new List<string>();
        foreach (var type in TensorDataTypes.All)
        {
            names.Add(type.ToV2Name());
        }

        return string.Join(", ", names);
    }

    private static string Label(string? name, int index) => name is null ? $"Input {index}" : $"Input '{name}'";

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => token.ToString(),
    };

    /// <summary>The current token's text as written; for messages and the integer slow path.</summary>
    private static string RawText(ref Utf8JsonReader reader)
    {
        var text = reader.HasValueSequence
            ? Encoding.UTF8.GetString(reader.ValueSequence.ToArray())
            : Encoding.UTF8.GetString(reader.ValueSpan);
        return reader.TokenType == JsonTokenType.String ? $"\"{text}\"" : text;
    }

    private static string FormatShape(ReadOnlySpan<long> shape)
    {
        var builder = new StringBuilder("[");
        for (var i = 0; i < shape.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            builder.Append(shape[i].ToString(CultureInfo.InvariantCulture));
        }

        return builder.Append(']').ToString();
    }

    private static string ElementMessage(string name, TensorDataType type, ElementFailure failure)
    {
        var v2 = type.ToV2Name();
        return failure.Status switch
        {
            ElementStatus.OutOfRange => $"Input '{name}' element {failure.Index} is {failure.Raw}, out of range for {v2} ({Range(type)}).",
            ElementStatus.NotInteger => $"Input '{name}' element {failure.Index} is {failure.Raw}, which is not an integer as {v2} requires.",
            _ => $"Input '{name}' element {failure.Index} must be {Expected(type)} for {v2} data, but it is {Describe(failure.Token)}.",
        };
    }

    private static string Expected(TensorDataType type) => type switch
    {
        TensorDataType.Bool => "true or false",
        TensorDataType.String => "a string",
        TensorDataType.Float16 or TensorDataType.Float32 or TensorDataType.Float64 or TensorDataType.BFloat16 =>
            "a number (or \"NaN\", \"Infinity\", \"-Infinity\")",
        _ => "an integer",
    };

    private static string Range(TensorDataType type) => type switch
    {
        TensorDataType.UInt8 => "0 to 255",
        TensorDataType.UInt16 => "0 to 65535",
        TensorDataType.UInt32 => "0 to 4294967295",
        TensorDataType.UInt64 => "0 to 18446744073709551615",
        TensorDataType.Int8 => "-128 to 127",
        TensorDataType.Int16 => "-32768 to 32767",
        TensorDataType.Int32 => "-2147483648 to 2147483647",
        TensorDataType.Int64 => "-9223372036854775808 to 9223372036854775807",
        TensorDataType.Float16 => "magnitude at most 65504",
        TensorDataType.BFloat16 => "magnitude at most 3.3895314E+38",
        TensorDataType.Float32 => "magnitude at most 3.4028235E+38",
        _ => "magnitude at most 1.7976931348623157E+308",
    };

    /// <summary>"Malformed JSON at byte 123 (line 4): …", the byte counted from the start of the body.</summary>
    private static string MalformedMessage(JsonException exception, ReadOnlySpan<byte> json, long at, bool hasHeader)
    {
        var detail = exception.Message;
        foreach (var noise in (ReadOnlySpan<string>)[" LineNumber:", " Change the reader options."])
        {
            var cut = detail.IndexOf(noise, StringComparison.Ordinal);
            if (cut >= 0)
            {
                detail = detail[..cut];
            }
        }

        if (!hasHeader && detail.Contains("after a single JSON value", StringComparison.Ordinal))
        {
            detail += $" A body that carries binary tensor data needs the {V2Protocol.InferenceHeaderContentLength} header.";
        }

        if (at >= 0)
        {
            return $"Malformed JSON at byte {at}: {detail}";
        }

        if (exception.LineNumber is not { } line || exception.BytePositionInLine is not { } column)
        {
            return $"Malformed JSON: {detail}";
        }

        long lineStart = 0;
        for (long seen = 0; seen < line; seen++)
        {
            var next = json[(int)lineStart..].IndexOf((byte)'\n');
            if (next < 0)
            {
                break;
            }

            lineStart += next + 1;
        }

        return $"Malformed JSON at byte {lineStart + column} (line {line + 1}): {detail}";
    }
}
