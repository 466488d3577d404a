namespace OrleansInference.Api.Operator;

/// <summary>A condition an operator should look at.</summary>
/// <param name="Severity"><c>critical</c> (serving is affected) or <c>warning</c>.</param>
/// <param name="Subject">What it concerns: <c>model iris/2</c>, <c>experiment exp-1</c>, <c>batch job 3f…</c>.</param>
/// <param name="Message">What happened, in a sentence.</param>
internal sealed record OperatorAlert(string Severity, string Subject, string Message)
{
    /// <summary>Serving is affected: a version failed, a guardrail rolled a canary back.</summary>
    public const string Critical = "critical";

    /// <summary>Worth a look: drift, earlier rollbacks, a failed batch job.</summary>
    public const string Warning = "warning";
}
