using System.Text.Json;
using OrleansInference.Api.Http;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Api.KServe;

public static partial class V2InferRequestReader
{
    /// <summary>The fields of one <c>$request_input</c> other than its data, as they arrive in any order.</summary>
    private struct InputHeader
    {
        public string? Name;
        public bool SawName;
        public bool SawShape;
        public bool SawDatatype;
        public bool SawParameters;
        public TensorDataType Type;
        public string? UnknownType;
        public int Rank;

        public readonly bool IsComplete => SawName && SawShape && SawDatatype;
    }

    private static string? ReadInput(ref Utf8JsonReader reader, ref V2BinaryTail tail, int index, long jsonLength, RequestState state)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return $"Input {index} must be a JSON object, but it is {Describe(reader.TokenType)}.";
        }

        Span<long> dims = stackalloc long[MaxRank];
        Span<char> typeName = stackalloc char[8];
        var header = default(InputHeader);
        var parameters = V2Protocol.Empty;
        NamedTensor? tensor = null;
        long[]? shape = null;
        long count = 0;
        Utf8JsonReader deferredData = default;
        var hasData = false;
        var dataDeferred = false;
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string? error = null;
                if (reader.ValueTextEquals("name"u8))
                {
                    reader.Read();
                    string? name = null;
                    error = header.SawName ? Duplicate(header.Name, index, "name")
                        : reader.TokenType != JsonTokenType.String ? $"Input {index} 'name' must be a string, but it is {Describe(reader.TokenType)}."
                        : !JsonText.TryGetString(ref reader, out name) ? JsonText.NotText($"Input {index} 'name'")
                        : null;
                    header.SawName = true;
                    header.Name ??= name;
                }
                else if (reader.ValueTextEquals("shape"u8))
                {
                    error = header.SawShape ? Duplicate(header.Name, index, "shape") : ReadShape(ref reader, dims, ref header, index);
                    header.SawShape = true;
                }
                else if (reader.ValueTextEquals("datatype"u8))
                {
                    reader.Read();
                    error = header.SawDatatype ? Duplicate(header.Name, index, "datatype")
                        : reader.TokenType != JsonTokenType.String ? $"{Label(header.Name, index)} 'datatype' must be a string, but it is {Describe(reader.TokenType)}."
                        : ReadDatatype(ref reader, typeName, ref header, index);
                    header.SawDatatype = true;
                }
                else if (reader.ValueTextEquals("parameters"u8))
                {
                    error = header.SawParameters ? Duplicate(header.Name, index, "parameters")
                        : TryReadParameters(ref reader, ParameterOwner.Input, header.Name, index, out parameters);
                    header.SawParameters = true;
                }
                else if (reader.ValueTextEquals("data"u8))
                {
                    if (hasData)
                    {
                        error = Duplicate(header.Name, index, "data");
                    }
                    else if (header.IsComplete)
                    {
                        // The usual order (name, shape, datatype, data): parse in place, in one pass.
                        error = ValidateHeader(ref header, dims, index, state, out shape, out count)
                            ?? ReadJsonData(ref reader, header.Name!, header.Type, shape!, count, jsonLength, out tensor);
                    }
                    else
                    {
                        // The data comes before the fields that describe it: remember where it starts and read it once they are known.
                        deferredData = reader;
                        dataDeferred = true;
                        reader.Read();
                        reader.Skip();
                    }

                    hasData = true;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }

                if (error is not null)
                {
                    tensor?.Dispose();
                    return error;
                }
            }
        }
        catch
        {
            // Malformed JSON after the data was read in place: return its buffer before the error surfaces.
            tensor?.Dispose();
            throw;
        }

        var result = FinishInput(ref header, ref tail, ref deferredData, dims, index, jsonLength, state, hasData, dataDeferred, parameters, ref tensor, shape, count);
        if (result is not null)
        {
            tensor?.Dispose();
            return result;
        }

        state.AddInput(tensor!, parameters);
        return null;
    }

    private static string? FinishInput(
        ref InputHeader header,
        ref V2BinaryTail tail,
        ref Utf8JsonReader deferredData,
        scoped ReadOnlySpan<long> dims,
        int index,
        long jsonLength,
        RequestState state,
        bool hasData,
        bool dataDeferred,
        IReadOnlyDictionary<string, V2ParameterValue> parameters,
        ref NamedTensor? tensor,
        long[]? shape,
        long count)
    {
        if (tensor is null)
        {
            var error = ValidateHeader(ref header, dims, index, state, out shape, out count);
            if (error is not null)
            {
                return error;
            }
        }

        var name = header.Name!;
        if (parameters.TryGetValue(V2Protocol.BinaryDataSize, out var sizeValue))
        {
            if (!sizeValue.TryGetInt64(out var size) || size < 0)
            {
                return $"Input '{name}' parameter '{V2Protocol.BinaryDataSize}' must be a non-negative integer.";
            }

            if (hasData)
            {
                return $"Input '{name}' gives both 'data' and '{V2Protocol.BinaryDataSize}'; give one.";
            }

            if (!tail.HasHeader)
            {
                return $"Input '{name}' has '{V2Protocol.BinaryDataSize}' but the request has no {V2Protocol.InferenceHeaderContentLength} header, so its binary data cannot be located.";
            }

            return ReadBinaryData(ref tail, name, header.Type, shape!, count, size, out tensor);
        }

        if (!hasData)
        {
            return $"Input '{name}' has no 'data' and no '{V2Protocol.BinaryDataSize}'.";
        }

        return dataDeferred ? ReadJsonData(ref deferredData, name, header.Type, shape!, count, jsonLength, out tensor) : null;
    }

    private static string? ValidateHeader(
        ref InputHeader header, scoped ReadOnlySpan<long> dims, int index, RequestState state, out long[]? shape, out long count)
    {
        shape = null;
        count = 0;
        var name = header.Name;
        if (string.IsNullOrEmpty(name))
        {
            return $"Input {index} has no 'name'.";
        }

        if (state.HasInput(name))
        {
            return $"Input '{name}' is given more than once.";
        }

        if (!header.SawDatatype)
        {
            return $"Input '{name}' has no 'datatype'.";
        }

        if (header.UnknownType is not null)
        {
            return $"Input '{name}' has datatype '{header.UnknownType}'; expected one of {DatatypeList}.";
        }

        if (!header.SawShape)
        {
            return $"Input '{name}' has no 'shape'.";
        }

        if (header.Rank > MaxRank)
        {
            return $"Input '{name}' has {header.Rank} dimensions; at most {MaxRank} are supported.";
        }

        var used = dims[..header.Rank];
        count = 1;
        for (var i = 0; i < used.Length; i++)
        {
            if (used[i] < 0)
            {
                return $"Input '{name}' has shape {FormatShape(used)} with negative dimension {i}; request shapes must be concrete.";
            }

            if (used[i] != 0 && count > long.MaxValue / used[i])
            {
                return $"Input '{name}' has shape {FormatShape(used)}, whose element count does not fit in 64 bits.";
            }

            count *= used[i];
        }

        shape = used.ToArray();
        return null;
    }

    private static string? ReadShape(ref Utf8JsonReader reader, scoped Span<long> dims, ref InputHeader header, int index)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return $"{Label(header.Name, index)} 'shape' must be an array of integers, but it is {Describe(reader.TokenType)}.";
        }

        var rank = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var dim))
            {
                var what = reader.TokenType == JsonTokenType.Number ? RawText(ref reader) : Describe(reader.TokenType);
                return $"{Label(header.Name, index)} 'shape' must hold integers, but dimension {rank} is {what}.";
            }

            if (rank < dims.Length)
            {
                dims[rank] = dim;
            }

            rank++;
        }

        header.Rank = rank;
        return null;
    }

    private static string? ReadDatatype(ref Utf8JsonReader reader, scoped Span<char> buffer, ref InputHeader header, int index)
    {
        if (!JsonText.TryGetString(ref reader, out var text))
        {
            return JsonText.NotText($"{Label(header.Name, index)} 'datatype'");
        }

        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length <= buffer.Length)
        {
            var written = reader.CopyString(buffer);
            if (TensorDataTypes.TryParseV2Name(buffer[..written], out header.Type))
            {
                return null;
            }
        }

        header.UnknownType = text;
        return null;
    }

    private static string Duplicate(string? name, int index, string field) => $"{Label(name, index)} gives '{field}' more than once.";
}
