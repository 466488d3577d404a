using OrleansInference.Contracts.Inference;

namespace OrleansInference.Api.KServe;

/// <summary>
/// A parsed v2 <c>$inference_request</c>: the inference request with its input tensors, plus the protocol's
/// parameters and output selections. Owns the inputs' pooled buffers; dispose once the inputs are no longer read.
/// </summary>
public sealed class V2InferRequest : IDisposable
{
    internal V2InferRequest(
        InferenceRequest request,
        IReadOnlyDictionary<string, V2ParameterValue> parameters,
        IReadOnlyList<IReadOnlyDictionary<string, V2ParameterValue>> inputParameters,
        IReadOnlyList<V2RequestedOutput> outputs,
        bool binaryDataOutput)
    {
        Request = request;
        Parameters = parameters;
        InputParameters = inputParameters;
        Outputs = outputs;
        BinaryDataOutput = binaryDataOutput;
    }

    /// <summary>The request: id, input tensors in body order, and the requested output names (null when none were listed).</summary>
    public InferenceRequest Request { get; }

    /// <summary>The request-level <c>parameters</c>; empty when none were given.</summary>
    public IReadOnlyDictionary<string, V2ParameterValue> Parameters { get; }

    /// <summary>Each input's <c>parameters</c>, index-aligned with <see cref="InferenceRequest.Inputs"/>.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, V2ParameterValue>> InputParameters { get; }

    /// <summary>The requested outputs in body order; empty when the request asks for every output.</summary>
    public IReadOnlyList<V2RequestedOutput> Outputs { get; }

    /// <summary>The request-level <c>binary_data_output</c> parameter; false when not given.</summary>
    public bool BinaryDataOutput { get; }

    /// <summary>Whether <paramref name="outputName"/> is returned as binary data: its own <c>binary_data</c>, else <see cref="BinaryDataOutput"/>.</summary>
    public bool WantsBinary(string outputName)
    {
        foreach (var output in Outputs)
        {
            if (output.Name == outputName)
            {
                return output.BinaryData ?? BinaryDataOutput;
            }
        }

        return BinaryDataOutput;
    }

    /// <summary>Returns the inputs' pooled buffers.</summary>
    public void Dispose()
    {
        foreach (var input in Request.Inputs)
        {
            input.Dispose();
        }
    }
}
