using System.Text.Json;

namespace OrleansInference.Grid.Repository;

/// <summary>
/// One input tensor of a version's own warm-up request (config <c>warmup_inputs</c>), written as a KServe v2 JSON
/// input: name, v2 datatype, concrete shape and the elements in row-major order (numbers, <c>true</c>/<c>false</c>
/// for BOOL, strings for BYTES; FP16 and BF16 as numbers).
/// </summary>
public sealed record WarmupInput(string Name, string Datatype, long[] Shape, JsonElement Data);
