namespace OrleansInference.Api.Security;

/// <summary>Why <see cref="AccessControl"/> refused a request, as an HTTP status each protocol maps to its own.</summary>
/// <param name="StatusCode">401 (no valid key), 403 (role or browser guard) or 429 (rate limit).</param>
/// <param name="Message">A full sentence naming the key, role or limit.</param>
/// <param name="RetryAfter">For 429: when the caller may try again.</param>
internal sealed record AccessRefusal(int StatusCode, string Message, TimeSpan? RetryAfter = null);
