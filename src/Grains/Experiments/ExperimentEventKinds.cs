namespace OrleansInference.Grains.Experiments;

/// <summary>The kinds of experiment events.</summary>
public static class ExperimentEventKinds
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string RampStarted = "ramp_started";
    public const string RampStep = "ramp_step";
    public const string RampCompleted = "ramp_completed";
    public const string Rollback = "rollback";
    public const string Promoted = "promoted";
    public const string Aborted = "aborted";
}
