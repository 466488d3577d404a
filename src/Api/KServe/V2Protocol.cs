using System.Collections.ObjectModel;

namespace OrleansInference.Api.KServe;

/// <summary>Names and constants of the v2 protocol and its binary tensor data extension.</summary>
public static class V2Protocol
{
    /// <summary>The HTTP header giving the length of the JSON part of a body that carries binary tensor data.</summary>
    public const string InferenceHeaderContentLength = "Inference-Header-Content-Length";

    /// <summary>Input and output parameter: the size in bytes of the tensor's binary data.</summary>
    public const string BinaryDataSize = "binary_data_size";

    /// <summary>Requested-output parameter: return this output as binary data.</summary>
    public const string BinaryData = "binary_data";

    /// <summary>Request parameter: return every output as binary data unless an output says otherwise.</summary>
    public const string BinaryDataOutput = "binary_data_output";

    /// <summary>Requested-output parameter asking for the top k classes instead of the raw output (see <see cref="V2Classification"/>).</summary>
    public const string Classification = "classification";

    /// <summary>A shared, empty parameter set.</summary>
    public static IReadOnlyDictionary<string, V2ParameterValue> Empty { get; } = ReadOnlyDictionary<string, V2ParameterValue>.Empty;
}
