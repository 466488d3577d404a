namespace OrleansInference.Grid.Repository;

/// <summary>The lifecycle stages of a model version.</summary>
public static class ModelStages
{
    public const string Dev = "dev";
    public const string Staging = "staging";
    public const string Production = "production";
    public const string Archived = "archived";

    /// <summary>True for one of the four stage names.</summary>
    public static bool IsValid(string? stage) => stage is Dev or Staging or Production or Archived;
}
