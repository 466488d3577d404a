namespace OrleansInference.Grid.Experiments;

/// <summary>A copy of one request for the shadow version, with the primary's predictions to compare against.</summary>
/// <param name="Experiment">The experiment id.</param>
/// <param name="Model">The model.</param>
/// <param name="Version">The shadow version.</param>
/// <param name="Features">Pooled buffer holding <c>Rows × Columns</c> raw features; returned to the pool after the call.</param>
/// <param name="Rows">Rows.</param>
/// <param name="Columns">Columns.</param>
/// <param name="PrimaryPredictions">The primary's prediction per row.</param>
internal sealed record ShadowWork(string Experiment, string Model, string Version, float[] Features, int Rows, int Columns, double[] PrimaryPredictions);
