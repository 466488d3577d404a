using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Api.Tests.Conformance;

/// <summary>
/// Runs a case through ONNX Runtime directly (an <see cref="InferenceSession"/> with the grid's session settings:
/// one intra-op thread, all graph optimizations, CPU), the reference for what the grid should serve.
/// </summary>
public static class OrtDirectRunner
{
    /// <summary>Loads the model; null and the error when ONNX Runtime cannot.</summary>
    public static InferenceSession? TryLoad(OnnxBackendCase testCase, out string? error)
    {
        error = null;
        using var options = new SessionOptions { IntraOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        try
        {
            return new InferenceSession(testCase.Model, options);
        }
        catch (OnnxRuntimeException ex)
        {
            error = "load: " + ex.Message;
            return null;
        }
    }

    /// <summary>Runs one data set; the outputs in the order the session names them.</summary>
    /// <exception cref="OnnxRuntimeException">The run failed.</exception>
    public static List<ReferenceTensor> Run(InferenceSession session, OnnxBackendDataSet data)
    {
        var names = session.InputNames;
        if (data.Inputs.Count > names.Count)
        {
            throw new InvalidDataException($"The data set has {data.Inputs.Count} inputs; the session takes {names.Count}.");
        }

        var values = new List<OrtValue>();
        var pins = new List<GCHandle>();
        try
        {
            foreach (var input in data.Inputs)
            {
                if (input.DataType == TensorDataType.String)
                {
                    var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, input.Shape);
                    values.Add(value);
                    for (var i = 0; i < input.Strings!.Length; i++)
                    {
                        value.StringTensorSetElementAt(input.Strings[i].AsSpan(), i);
                    }
                }
                else if (input.Data.Length == 0)
                {
                    values.Add(OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, (TensorElementType)(int)input.DataType, input.Shape));
                }
                else
                {
                    var pin = GCHandle.Alloc(input.Data, GCHandleType.Pinned);
                    pins.Add(pin);
                    values.Add(OrtValue.CreateTensorValueWithData(
                        OrtMemoryInfo.DefaultInstance, (TensorElementType)(int)input.DataType, input.Shape, pin.AddrOfPinnedObject(), input.Data.Length));
                }
            }

            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, names.Take(data.Inputs.Count).ToArray(), values, session.OutputNames);
            var results = new List<ReferenceTensor>(outputs.Count);
            for (var i = 0; i < outputs.Count; i++)
            {
                results.Add(ToReference(session.OutputNames[i], outputs[i]));
            }

            return results;
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }

            foreach (var pin in pins)
            {
                pin.Free();
            }
        }
    }

    private static ReferenceTensor ToReference(string name, OrtValue value)
    {
        if (!value.IsTensor)
        {
            throw new NotSupportedException($"Output '{name}' is a {value.OnnxType}, not a tensor.");
        }

        var info = value.GetTensorTypeAndShape();
        var type = ReferenceTensor.ToDataType((int)info.ElementDataType);
        return type == TensorDataType.String
            ? new ReferenceTensor(name, type, info.Shape, [], value.GetStringTensorAsArray())
            : new ReferenceTensor(name, type, info.Shape, value.GetTensorMutableRawData().ToArray(), null);
    }
}
