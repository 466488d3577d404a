namespace OrleansInference.Api.KServe;

/// <summary>
/// Why a KServe v2 body could not be read: malformed JSON, a missing or mistyped field, or tensor data that does
/// not fit its declared shape and datatype. The boundary answers it with 400 and the v2 error body.
/// </summary>
/// <param name="Message">A full sentence naming the offending input, element or byte position.</param>
public sealed record V2CodecError(string Message);
