using Microsoft.Extensions.Options;

namespace OrleansInference.Api.Security;

/// <summary>Stops start-up on keys that could never match or roles that do not exist, naming the offending key.</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (options.Enabled && options.Keys.Count == 0 && !options.Jwt.IsConfigured)
        {
            failures.Add("Auth:Enabled is true but Auth:Keys is empty and Auth:Jwt has no signing key; add at least one key (Name, Sha256, Role) or a JWT signing key.");
        }

        ValidateJwt(options, failures);

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Keys.Count; i++)
        {
            var key = options.Keys[i];
            var where = $"Auth:Keys:{i}";
            if (string.IsNullOrWhiteSpace(key.Name) || !names.Add(key.Name))
            {
                failures.Add($"{where}:Name must be set and unique; got '{key.Name}'.");
            }

            if (key.Sha256.Length != 64 || !key.Sha256.All(char.IsAsciiHexDigit))
            {
                failures.Add($"{where}:Sha256 must be the 64 hex digits of the key's SHA-256 (printf %s \"$KEY\" | sha256sum).");
            }

            if (key.Role is not ("inference" or "admin"))
            {
                failures.Add($"{where}:Role is '{key.Role}'; expected inference or admin.");
            }

            if (key.RequestsPerSecond < 0 || key.Burst is < 1)
            {
                failures.Add($"{where}: RequestsPerSecond must be 0 or more and Burst at least 1.");
            }
        }

        if (options.PerClientRequestsPerSecond < 0)
        {
            failures.Add("Auth:PerClientRequestsPerSecond must be 0 (no limit) or more.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateJwt(AuthOptions options, List<string> failures)
    {
        var jwt = options.Jwt;
        if (!jwt.IsConfigured)
        {
            return;
        }

        if (!options.Enabled)
        {
            failures.Add("Auth:Jwt has a signing key but Auth:Enabled is false; tokens are only asked for when Auth:Enabled is true.");
        }

        if (string.IsNullOrWhiteSpace(jwt.Issuer))
        {
            failures.Add("Auth:Jwt:Issuer must be set: the 'iss' every accepted token carries.");
        }

        if (string.IsNullOrWhiteSpace(jwt.Audience))
        {
            failures.Add("Auth:Jwt:Audience must be set: the 'aud' every accepted token carries.");
        }

        foreach (var (key, value) in new[] { ("RoleClaim", jwt.RoleClaim), ("AdminRole", jwt.AdminRole), ("InferenceRole", jwt.InferenceRole), ("NameClaim", jwt.NameClaim) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                failures.Add($"Auth:Jwt:{key} must not be empty.");
            }
        }

        if (string.Equals(jwt.AdminRole, jwt.InferenceRole, StringComparison.Ordinal))
        {
            failures.Add($"Auth:Jwt:AdminRole and Auth:Jwt:InferenceRole are both '{jwt.AdminRole}'; they must differ.");
        }

        if (jwt.ClockSkew < TimeSpan.Zero || jwt.ClockSkew > TimeSpan.FromMinutes(5))
        {
            failures.Add($"Auth:Jwt:ClockSkew is {jwt.ClockSkew}; it must be from 0 to 5 minutes.");
        }

        if (JwtValidation.CheckKeys(jwt) is { } keyProblem)
        {
            failures.Add(keyProblem);
        }
    }
}
