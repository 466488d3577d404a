using System.Text.RegularExpressions;
using OrleansInference.Contracts.Experiments;

namespace OrleansInference.Api.Experiments;

/// <summary>Checks an experiment id before a grain is activated for it: a bad id in a body is a 400, in a path a 404.</summary>
internal static partial class ExperimentValidatorGate
{
    public static void CheckId(string id, bool fromPath = false)
    {
        if (!IdPattern().IsMatch(id))
        {
            throw fromPath
                ? new ExperimentException(ExperimentErrorKind.NotFound, $"Experiment '{id}' does not exist: ids are 1 to 64 letters, digits, '-', '_' or '.'.")
                : new ExperimentException(ExperimentErrorKind.Invalid, $"'id' is '{id}'; expected 1 to 64 letters, digits, '-', '_' or '.'.");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex IdPattern();
}
