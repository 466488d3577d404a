namespace OrleansInference.Api.Security;

/// <summary>
/// Who made a request, as <see cref="AccessControl"/> authenticated it: the API key's name, or null on a server without
/// API keys (one caller: the operator on loopback).
/// </summary>
internal readonly record struct ApiCaller(string? KeyName, bool IsAdmin)
{
    /// <summary>The caller of <paramref name="context"/>.</summary>
    public static ApiCaller Of(HttpContext context) => new(
        context.Items[AccessControl.KeyNameItem] as string,
        context.Items[AccessControl.KeyIsAdminItem] is true);

    /// <summary>
    /// True when the caller may see a resource owned by <paramref name="owner"/>: its owner, an admin key, or anyone on a
    /// server without API keys.
    /// </summary>
    public bool MaySee(string? owner) => KeyName is null || IsAdmin || string.Equals(owner, KeyName, StringComparison.Ordinal);
}
