using System.Buffers;
using System.Text.Json;
using OrleansInference.Api.Http;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Api.KServe;

/// <summary>
/// Reads a KServe v2 <c>$inference_request</c> body with <see cref="Utf8JsonReader"/>, writing tensor elements
/// straight into buffers rented from the shared pool. Supports flat and nested <c>data</c>, every v2 datatype, and
/// Triton's binary tensor data extension. User errors come back as a <see cref="V2CodecError"/>, never as exceptions.
/// </summary>
public static partial class V2InferRequestReader
{
    /// <summary>Most dimensions an input shape may have.</summary>
    public const int MaxRank = 32;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    /// <summary>Reads a request body held in one span.</summary>
    /// <param name="body">The whole body.</param>
    /// <param name="inferenceHeaderLength">
    /// The <c>Inference-Header-Content-Length</c> header: the JSON is the first this many bytes and binary tensor data
    /// follows. Null when the header is absent, so the whole body is JSON.
    /// </param>
    public static V2ReadResult Read(ReadOnlySpan<byte> body, long? inferenceHeaderLength = null)
    {
        if (!TrySplit(body.Length, inferenceHeaderLength, out var jsonLength, out var error))
        {
            return V2ReadResult.Failure(error);
        }

        var json = body[..(int)jsonLength];
        var reader = new Utf8JsonReader(json, ReaderOptions);
        var tail = new V2BinaryTail(body[(int)jsonLength..], inferenceHeaderLength is not null);
        var result = ReadCore(ref reader, ref tail, jsonLength, out var malformed, out var malformedAt);
        return malformed is null ? result : V2ReadResult.Failure(MalformedMessage(malformed, json, malformedAt, inferenceHeaderLength is not null));
    }

    /// <summary>Reads a request body held in a sequence of segments, as a pipe delivers it.</summary>
    /// <param name="body">The whole body.</param>
    /// <param name="inferenceHeaderLength">The <c>Inference-Header-Content-Length</c> header; null when absent.</param>
    public static V2ReadResult Read(in ReadOnlySequence<byte> body, long? inferenceHeaderLength = null)
    {
        if (body.IsSingleSegment)
        {
            return Read(body.FirstSpan, inferenceHeaderLength);
        }

        if (!TrySplit(body.Length, inferenceHeaderLength, out var jsonLength, out var error))
        {
            return V2ReadResult.Failure(error);
        }

        var json = body.Slice(0, jsonLength);
        var reader = new Utf8JsonReader(json, ReaderOptions);
        var tail = new V2BinaryTail(body.Slice(jsonLength), inferenceHeaderLength is not null);
        var result = ReadCore(ref reader, ref tail, jsonLength, out var malformed, out var malformedAt);
        if (malformed is null)
        {
            return result;
        }

        // Error path only: flatten to locate the failing byte.
        return V2ReadResult.Failure(MalformedMessage(malformed, json.ToArray(), malformedAt, inferenceHeaderLength is not null));
    }

    private static bool TrySplit(long bodyLength, long? headerLength, out long jsonLength, out string error)
    {
        jsonLength = headerLength ?? bodyLength;
        error = string.Empty;
        if (headerLength is { } length && (length <= 0 || length > bodyLength))
        {
            error = $"The {V2Protocol.InferenceHeaderContentLength} header is {length}, but the body has {bodyLength} bytes; it must give the length of the JSON part of the body.";
            return false;
        }

        if (jsonLength > Array.MaxLength)
        {
            error = $"The JSON part of the body is {jsonLength} bytes, more than one request may hold.";
            return false;
        }

        return true;
    }

    private static V2ReadResult ReadCore(
        ref Utf8JsonReader reader, ref V2BinaryTail tail, long jsonLength, out JsonException? malformed, out long malformedAt)
    {
        malformed = null;
        malformedAt = -1;
        var state = new RequestState();
        try
        {
            var error = ReadRoot(ref reader, ref tail, jsonLength, state);
            if (error is not null)
            {
                state.DisposeInputs();
                return V2ReadResult.Failure(error);
            }

            return V2ReadResult.Success(state.Build());
        }
        catch (JsonException ex)
        {
            state.DisposeInputs();
            malformed = ex;
            return default;
        }
        catch (InvalidOperationException ex)
        {
            // Decoding a string that is not valid Unicode text (the fields that name themselves are checked on the way).
            state.DisposeInputs();
            malformed = new JsonException("A string is not valid UTF-8.", ex);
            malformedAt = reader.TokenStartIndex;
            return default;
        }
        catch
        {
            state.DisposeInputs();
            throw;
        }
    }

    private static string? ReadRoot(ref Utf8JsonReader reader, ref V2BinaryTail tail, long jsonLength, RequestState state)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return "The inference request must be a JSON object.";
        }

        var sawInputs = false;
        var sawOutputs = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string? error = null;
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
                {
                    return $"The request 'id' must be a string, but it is {Describe(reader.TokenType)}.";
                }

                if (reader.TokenType == JsonTokenType.String && !JsonText.TryGetString(ref reader, out state.Id))
                {
                    return JsonText.NotText("The request 'id'");
                }
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                error = TryReadParameters(ref reader, ParameterOwner.Request, null, 0, out state.Parameters);
            }
            else if (reader.ValueTextEquals("inputs"u8))
            {
                if (sawInputs)
                {
                    return "The request gives 'inputs' more than once.";
                }

                sawInputs = true;
                error = ReadInputs(ref reader, ref tail, jsonLength, state);
            }
            else if (reader.ValueTextEquals("outputs"u8))
            {
                if (sawOutputs)
                {
                    return "The request gives 'outputs' more than once.";
                }

                sawOutputs = true;
                error = ReadOutputs(ref reader, state);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }

            if (error is not null)
            {
                return error;
            }
        }

        // Anything after the root object other than whitespace is malformed; the reader throws on it.
        reader.Read();

        if (!sawInputs || state.Inputs.Count == 0)
        {
            return "The request has no 'inputs'; give at least one input tensor.";
        }

        if (tail.Remaining != 0)
        {
            return $"The body has {tail.Length} bytes after the JSON header, but the inputs' '{V2Protocol.BinaryDataSize}' values account for {tail.Consumed}.";
        }

        if (state.Parameters.TryGetValue(V2Protocol.BinaryDataOutput, out var binaryOutput))
        {
            if (!binaryOutput.TryGetBoolean(out state.BinaryDataOutput))
            {
                return $"Request parameter '{V2Protocol.BinaryDataOutput}' must be true or false.";
            }
        }

        return null;
    }

    private static string? ReadInputs(ref Utf8JsonReader reader, ref V2BinaryTail tail, long jsonLength, RequestState state)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return $"The request 'inputs' must be an array of tensors, but it is {Describe(reader.TokenType)}.";
        }

        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var error = ReadInput(ref reader, ref tail, index, jsonLength, state);
            if (error is not null)
            {
                return error;
            }

            index++;
        }

        return null;
    }

    private static string? ReadOutputs(ref Utf8JsonReader reader, RequestState state)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return $"The request 'outputs' must be an array, but it is {Describe(reader.TokenType)}.";
        }

        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var error = ReadOutput(ref reader, index, state);
            if (error is not null)
            {
                return error;
            }

            index++;
        }

        return null;
    }

    private static string? ReadOutput(ref Utf8JsonReader reader, int index, RequestState state)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return $"Output {index} must be a JSON object, but it is {Describe(reader.TokenType)}.";
        }

        string? name = null;
        var parameters = V2Protocol.Empty;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    return $"Output {index} 'name' must be a string, but it is {Describe(reader.TokenType)}.";
                }

                if (!JsonText.TryGetString(ref reader, out name))
                {
                    return JsonText.NotText($"Output {index} 'name'");
                }
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                var error = TryReadParameters(ref reader, ParameterOwner.Output, name, index, out parameters);
                if (error is not null)
                {
                    return error;
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (string.IsNullOrEmpty(name))
        {
            return $"Output {index} has no 'name'.";
        }

        foreach (var existing in state.Outputs)
        {
            if (existing.Name == name)
            {
                return $"Output '{name}' is requested more than once.";
            }
        }

        bool? binary = null;
        if (parameters.TryGetValue(V2Protocol.BinaryData, out var binaryValue))
        {
            if (!binaryValue.TryGetBoolean(out var flag))
            {
                return $"Output '{name}' parameter '{V2Protocol.BinaryData}' must be true or false.";
            }

            binary = flag;
        }

        if (V2Classification.TryReadCount(name, parameters, out _) is { } classificationError)
        {
            return classificationError;
        }

        state.Outputs.Add(new V2RequestedOutput(name, binary, parameters));
        return null;
    }
}
