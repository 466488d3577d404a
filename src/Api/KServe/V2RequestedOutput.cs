namespace OrleansInference.Api.KServe;

/// <summary>One entry of a v2 request's <c>outputs</c>: an output to return and how.</summary>
/// <param name="Name">The output's name.</param>
/// <param name="BinaryData">The output's <c>binary_data</c> parameter; null when not given, so the request-level <c>binary_data_output</c> applies.</param>
/// <param name="Parameters">Every parameter given for the output, <c>binary_data</c> included.</param>
public sealed record V2RequestedOutput(string Name, bool? BinaryData, IReadOnlyDictionary<string, V2ParameterValue> Parameters);
