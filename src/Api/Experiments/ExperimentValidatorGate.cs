using System.Text.RegularExpressions;
using OrleansInference.Contracts.Experiments;

namespace OrleansInference.Api.Experiments;

/// <summary>Checks an experiment id before a grain is activated for it: an id that cannot exist is a 404 at once.</summary>
internal static partial class ExperimentValidatorGate
{
    public static void CheckId(string id)
    {
        if (!IdPattern().IsMatch(id))
        {
            throw new ExperimentException(ExperimentErrorKind.Invalid, $"'id' is '{id}'; expected 1 to 64 letters, digits, '-', '_' or '.'.");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex IdPattern();
}
