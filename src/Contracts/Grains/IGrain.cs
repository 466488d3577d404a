namespace OrleansInference.Contracts.Grains;

/// <summary>Marker for grain interfaces: every member returns <see cref="Task"/> or <see cref="ValueTask"/>.</summary>
public interface IGrain
{
}
