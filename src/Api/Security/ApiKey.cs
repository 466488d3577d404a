using System.Threading.RateLimiting;

namespace OrleansInference.Api.Security;

/// <summary>An authenticated caller: the key's name, whether it may administer, and its rate limiter.</summary>
internal sealed record ApiKey(string Name, bool IsAdmin, RateLimiter? Limiter);
