using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Grpc.Core;
using OrleansInference.Api.Grpc.Protocol;
using OrleansInference.Api.KServe;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Api.Grpc;

/// <summary>
/// Converts a v2 gRPC request to the <see cref="V2InferRequest"/> the REST reader produces (so both protocols share
/// one inference path), and a result back. Inputs come from typed contents or <c>raw_input_contents</c>; outputs go
/// back as <c>raw_output_contents</c> (the layout every v2 client reads). Every shape, type, parameter and length
/// mismatch is an INVALID_ARGUMENT naming the input.
/// </summary>
internal static class GrpcTensorConverter
{
    public static V2InferRequest ToV2Request(ModelInferRequest request)
    {
        var raw = request.RawInputContents;
        if (raw.Count > 0 && raw.Count != request.Inputs.Count)
        {
            throw GrpcStatusMapping.Invalid($"raw_input_contents has {raw.Count} entries; expected one per input ({request.Inputs.Count}).");
        }

        var parameters = ToParameters(request.Parameters, "Request");
        var outputs = new V2RequestedOutput[request.Outputs.Count];
        for (var i = 0; i < outputs.Length; i++)
        {
            var output = request.Outputs[i];
            if (string.IsNullOrEmpty(output.Name))
            {
                throw GrpcStatusMapping.Invalid($"Output {i} has no name.");
            }

            var outputParameters = ToParameters(output.Parameters, $"Output '{output.Name}'");
            if (V2Classification.TryReadCount(output.Name, outputParameters, out _) is { } classificationError)
            {
                throw GrpcStatusMapping.Invalid(classificationError);
            }

            outputs[i] = new V2RequestedOutput(output.Name, null, outputParameters);
        }

        var tensors = new NamedTensor[request.Inputs.Count];
        var inputParameters = new IReadOnlyDictionary<string, V2ParameterValue>[tensors.Length];
        try
        {
            for (var i = 0; i < tensors.Length; i++)
            {
                var input = request.Inputs[i];
                for (var j = 0; j < i; j++)
                {
                    if (tensors[j].Name == input.Name)
                    {
                        throw GrpcStatusMapping.Invalid($"Input '{input.Name}' is given more than once.");
                    }
                }

                inputParameters[i] = ToParameters(input.Parameters, $"Input '{input.Name}'");
                tensors[i] = ToTensor(input, raw.Count > 0 ? raw[i] : null);
            }
        }
        catch
        {
            foreach (var tensor in tensors)
            {
                tensor?.Dispose();
            }

            throw;
        }

        var requested = outputs.Length == 0 ? null : outputs.Select(o => o.Name).ToArray();
        var inference = new InferenceRequest(string.IsNullOrEmpty(request.Id) ? null : request.Id, tensors, requested);
        return new V2InferRequest(inference, parameters, inputParameters, outputs, binaryDataOutput: false);
    }

    public static ModelInferResponse ToResponse(InferenceResult result, string id)
    {
        var response = new ModelInferResponse { ModelName = result.ModelName, ModelVersion = result.ModelVersion, Id = id };
        foreach (var output in result.Outputs ?? [])
        {
            var tensor = new ModelInferResponse.Types.InferOutputTensor { Name = output.Name, Datatype = output.DataType.ToV2Name() };
            tensor.Shape.Add(output.Shape);
            response.Outputs.Add(tensor);
            response.RawOutputContents.Add(output.DataType == TensorDataType.String
                ? EncodeStrings(output.Strings!)
                : ByteString.CopyFrom(output.Data.Span));
        }

        return response;
    }

    private static IReadOnlyDictionary<string, V2ParameterValue> ToParameters(MapField<string, InferParameter> parameters, string owner)
    {
        if (parameters.Count == 0)
        {
            return V2Protocol.Empty;
        }

        var values = new Dictionary<string, V2ParameterValue>(parameters.Count, StringComparer.Ordinal);
        foreach (var (name, parameter) in parameters)
        {
            values[name] = parameter.ParameterChoiceCase switch
            {
                InferParameter.ParameterChoiceOneofCase.BoolParam => V2ParameterValue.FromBoolean(parameter.BoolParam),
                InferParameter.ParameterChoiceOneofCase.Int64Param => V2ParameterValue.FromInt64(parameter.Int64Param),
                InferParameter.ParameterChoiceOneofCase.StringParam => V2ParameterValue.FromString(parameter.StringParam),
                InferParameter.ParameterChoiceOneofCase.DoubleParam => V2ParameterValue.FromDouble(parameter.DoubleParam),
                // A uint64 past int64's range can only be a number, which no integer parameter accepts.
                InferParameter.ParameterChoiceOneofCase.Uint64Param => parameter.Uint64Param <= long.MaxValue
                    ? V2ParameterValue.FromInt64((long)parameter.Uint64Param)
                    : V2ParameterValue.FromDouble(parameter.Uint64Param),
                _ => throw GrpcStatusMapping.Invalid($"{owner} parameter '{name}' has no value; set one of bool_param, int64_param, uint64_param, double_param or string_param."),
            };
        }

        return values;
    }

    private static NamedTensor ToTensor(ModelInferRequest.Types.InferInputTensor input, ByteString? raw)
    {
        var name = string.IsNullOrEmpty(input.Name) ? throw GrpcStatusMapping.Invalid("An input has no name.") : input.Name;
        if (!TensorDataTypes.TryParseV2Name(input.Datatype, out var type))
        {
            throw GrpcStatusMapping.Invalid($"Input '{name}' has datatype '{input.Datatype}'; expected a v2 datatype such as FP32, INT64 or BYTES.");
        }

        var shape = input.Shape.ToArray();
        var count = ElementCount(name, shape);
        if (raw is not null)
        {
            if (input.Contents is not null)
            {
                throw GrpcStatusMapping.Invalid($"Input '{name}' sets contents while the request uses raw_input_contents; use one or the other.");
            }

            return type == TensorDataType.String ? new NamedTensor(name, shape, DecodeStrings(name, raw.Span, count)) : FromRaw(name, type, shape, count, raw.Span);
        }

        var contents = input.Contents ?? new InferTensorContents();
        return type switch
        {
            TensorDataType.Bool => Copy(name, type, shape, count, contents.BoolContents, static v => v),
            TensorDataType.Int8 => Copy(name, type, shape, count, contents.IntContents, static v => checked((sbyte)v)),
            TensorDataType.Int16 => Copy(name, type, shape, count, contents.IntContents, static v => checked((short)v)),
            TensorDataType.Int32 => Copy(name, type, shape, count, contents.IntContents, static v => v),
            TensorDataType.Int64 => Copy(name, type, shape, count, contents.Int64Contents, static v => v),
            TensorDataType.UInt8 => Copy(name, type, shape, count, contents.UintContents, static v => checked((byte)v)),
            TensorDataType.UInt16 => Copy(name, type, shape, count, contents.UintContents, static v => checked((ushort)v)),
            TensorDataType.UInt32 => Copy(name, type, shape, count, contents.UintContents, static v => v),
            TensorDataType.UInt64 => Copy(name, type, shape, count, contents.Uint64Contents, static v => v),
            TensorDataType.Float32 => Copy(name, type, shape, count, contents.Fp32Contents, static v => v),
            TensorDataType.Float64 => Copy(name, type, shape, count, contents.Fp64Contents, static v => v),
            TensorDataType.String => contents.BytesContents.Count == count
                ? new NamedTensor(name, shape, contents.BytesContents.Select(b => b.ToStringUtf8()).ToArray())
                : throw CountMismatch(name, shape, count, contents.BytesContents.Count, "bytes_contents"),
            _ => throw GrpcStatusMapping.Invalid($"Input '{name}' is {type.ToV2Name()}, which has no typed contents field; send it in raw_input_contents."),
        };
    }

    /// <summary>The shape's element count; INVALID_ARGUMENT for a negative dimension, too many dimensions or a count past 64 bits.</summary>
    private static long ElementCount(string name, long[] shape)
    {
        if (shape.Length > V2InferRequestReader.MaxRank)
        {
            throw GrpcStatusMapping.Invalid($"Input '{name}' has {shape.Length} dimensions; at most {V2InferRequestReader.MaxRank} are supported.");
        }

        long count = 1;
        for (var i = 0; i < shape.Length; i++)
        {
            if (shape[i] < 0)
            {
                throw GrpcStatusMapping.Invalid($"Input '{name}' has shape {ShapeMath.Format(shape)} with negative dimension {i}; request shapes must be concrete.");
            }

            if (shape[i] != 0 && count > long.MaxValue / shape[i])
            {
                throw GrpcStatusMapping.Invalid($"Input '{name}' has shape {ShapeMath.Format(shape)}, whose element count does not fit in 64 bits.");
            }

            count *= shape[i];
        }

        return count;
    }

    private static NamedTensor FromRaw(string name, TensorDataType type, long[] shape, long count, ReadOnlySpan<byte> raw)
    {
        var size = type.ElementSize();
        if (count > raw.Length / size || count * size != raw.Length)
        {
            throw GrpcStatusMapping.Invalid($"Input '{name}' of shape {ShapeMath.Format(shape)} ({type.ToV2Name()}) needs {(count > long.MaxValue / size ? "more than 2^63" : count * size)} raw bytes; got {raw.Length}.");
        }

        var owner = PooledBytes.Rent(raw.Length, out var buffer);
        raw.CopyTo(buffer);
        return new NamedTensor(name, type, shape, buffer.AsMemory(0, raw.Length), owner);
    }

    private static NamedTensor Copy<TSource, TElement>(string name, TensorDataType type, long[] shape, long count, IList<TSource> values, Func<TSource, TElement> convert)
        where TElement : unmanaged
    {
        if (values.Count != count)
        {
            throw CountMismatch(name, shape, count, values.Count, FieldFor(type));
        }

        var byteLength = checked((int)count * type.ElementSize());
        var owner = PooledBytes.Rent(byteLength, out var buffer);
        var elements = MemoryMarshal.Cast<byte, TElement>(buffer.AsSpan(0, byteLength));
        try
        {
            for (var i = 0; i < elements.Length; i++)
            {
                elements[i] = convert(values[i]);
            }
        }
        catch (OverflowException)
        {
            owner.Dispose();
            throw GrpcStatusMapping.Invalid($"Input '{name}' has a value outside the range of {type.ToV2Name()}.");
        }

        return new NamedTensor(name, type, shape, buffer.AsMemory(0, byteLength), owner);
    }

    private static string[] DecodeStrings(string name, ReadOnlySpan<byte> raw, long count)
    {
        var strings = new List<string>();
        while (raw.Length > 0)
        {
            if (raw.Length < 4)
            {
                throw GrpcStatusMapping.Invalid($"Input '{name}' raw BYTES content ends inside a 4-byte length prefix.");
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(raw);
            if (length > raw.Length - 4)
            {
                throw GrpcStatusMapping.Invalid($"Input '{name}' raw BYTES element {strings.Count} declares {length} bytes; only {raw.Length - 4} remain.");
            }

            strings.Add(Encoding.UTF8.GetString(raw.Slice(4, (int)length)));
            raw = raw[(4 + (int)length)..];
        }

        return strings.Count == count
            ? [.. strings]
            : throw GrpcStatusMapping.Invalid($"Input '{name}' raw BYTES content holds {strings.Count} elements; its shape needs {count}.");
    }

    private static ByteString EncodeStrings(string[] strings)
    {
        var total = 0;
        foreach (var s in strings)
        {
            total += 4 + Encoding.UTF8.GetByteCount(s);
        }

        var bytes = new byte[total];
        var offset = 0;
        foreach (var s in strings)
        {
            var written = Encoding.UTF8.GetBytes(s, bytes.AsSpan(offset + 4));
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), (uint)written);
            offset += 4 + written;
        }

        return UnsafeByteOperations.UnsafeWrap(bytes);
    }

    private static string FieldFor(TensorDataType type) => type switch
    {
        TensorDataType.Bool => "bool_contents",
        TensorDataType.Int8 or TensorDataType.Int16 or TensorDataType.Int32 => "int_contents",
        TensorDataType.Int64 => "int64_contents",
        TensorDataType.UInt8 or TensorDataType.UInt16 or TensorDataType.UInt32 => "uint_contents",
        TensorDataType.UInt64 => "uint64_contents",
        TensorDataType.Float32 => "fp32_contents",
        TensorDataType.Float64 => "fp64_contents",
        _ => "bytes_contents",
    };

    private static RpcException CountMismatch(string name, long[] shape, long expected, int actual, string field) =>
        GrpcStatusMapping.Invalid($"Input '{name}' has shape {ShapeMath.Format(shape)} ({expected} elements) but {field} holds {actual}.");
}
