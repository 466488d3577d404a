namespace OrleansInference.Contracts.Grains;

/// <summary>A grain identified by a string key, such as <c>"{model}/{version}"</c>.</summary>
public interface IGrainWithStringKey : IGrain
{
}
