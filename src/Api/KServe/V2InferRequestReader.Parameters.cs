using System.Text.Json;
using OrleansInference.Api.Http;

namespace OrleansInference.Api.KServe;

public static partial class V2InferRequestReader
{
    private enum ParameterOwner
    {
        Request,
        Input,
        Output,
    }

    /// <summary>Reads a <c>$parameters</c> object (the reader is on its property name); allocates only when it has entries.</summary>
    private static string? TryReadParameters(
        ref Utf8JsonReader reader, ParameterOwner owner, string? name, int index, out IReadOnlyDictionary<string, V2ParameterValue> parameters)
    {
        parameters = V2Protocol.Empty;
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return $"{OwnerLabel(owner, name, index)} 'parameters' must be a JSON object, but it is {Describe(reader.TokenType)}.";
        }

        Dictionary<string, V2ParameterValue>? values = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!JsonText.TryGetString(ref reader, out var key))
            {
                return JsonText.NotText($"A parameter name of {OwnerLabel(owner, name, index)}");
            }

            reader.Read();
            V2ParameterValue value;
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    if (!JsonText.TryGetString(ref reader, out var text))
                    {
                        return JsonText.NotText($"{OwnerLabel(owner, name, index)} parameter '{key}'");
                    }

                    value = V2ParameterValue.FromString(text);
                    break;
                case JsonTokenType.Number when reader.TryGetInt64(out var integer):
                    value = V2ParameterValue.FromInt64(integer);
                    break;
                case JsonTokenType.Number when reader.TryGetDouble(out var number):
                    value = V2ParameterValue.FromDouble(number);
                    break;
                case JsonTokenType.Number:
                    return $"{OwnerLabel(owner, name, index)} parameter '{key}' is {RawText(ref reader)}, out of range for a number.";
                case JsonTokenType.True or JsonTokenType.False:
                    value = V2ParameterValue.FromBoolean(reader.TokenType == JsonTokenType.True);
                    break;
                default:
                    return $"{OwnerLabel(owner, name, index)} parameter '{key}' must be a string, number or boolean, but it is {Describe(reader.TokenType)}.";
            }

            values ??= new Dictionary<string, V2ParameterValue>(StringComparer.Ordinal);
            values[key] = value;
        }

        if (values is not null)
        {
            parameters = values;
        }

        return null;
    }

    private static string OwnerLabel(ParameterOwner owner, string? name, int index) => owner switch
    {
        ParameterOwner.Request => "The request",
        ParameterOwner.Input => Label(name, index),
        _ => name is null ? $"Output {index}" : $"Output '{name}'",
    };
}
