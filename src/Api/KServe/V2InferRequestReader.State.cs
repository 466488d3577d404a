using OrleansInference.Contracts.Inference;

namespace OrleansInference.Api.KServe;

public static partial class V2InferRequestReader
{
    /// <summary>What one read has gathered so far. Owns the input tensors until <see cref="Build"/> hands them over.</summary>
    private sealed class RequestState
    {
        private List<IReadOnlyDictionary<string, V2ParameterValue>>? _inputParameters;
        private List<V2RequestedOutput>? _outputs;

        public string? Id;
        public IReadOnlyDictionary<string, V2ParameterValue> Parameters = V2Protocol.Empty;
        public bool BinaryDataOutput;

        public List<NamedTensor> Inputs { get; } = new(2);

        public List<V2RequestedOutput> Outputs => _outputs ??= [];

        public bool HasInput(string name)
        {
            foreach (var input in Inputs)
            {
                if (input.Name == name)
                {
                    return true;
                }
            }

            return false;
        }

        public void AddInput(NamedTensor tensor, IReadOnlyDictionary<string, V2ParameterValue> parameters)
        {
            if (parameters.Count != 0 && _inputParameters is null)
            {
                _inputParameters = new List<IReadOnlyDictionary<string, V2ParameterValue>>(Inputs.Count + 1);
                for (var i = 0; i < Inputs.Count; i++)
                {
                    _inputParameters.Add(V2Protocol.Empty);
                }
            }

            Inputs.Add(tensor);
            _inputParameters?.Add(parameters);
        }

        public V2InferRequest Build()
        {
            IReadOnlyList<IReadOnlyDictionary<string, V2ParameterValue>> inputParameters = _inputParameters ?? (Inputs.Count == 1
                ? SingleEmptyParameters
                : Enumerable.Repeat(V2Protocol.Empty, Inputs.Count).ToArray());
            IReadOnlyList<V2RequestedOutput> outputs = _outputs ?? (IReadOnlyList<V2RequestedOutput>)[];
            string[]? requested = null;
            if (_outputs is { Count: > 0 })
            {
                requested = new string[_outputs.Count];
                for (var i = 0; i < requested.Length; i++)
                {
                    requested[i] = _outputs[i].Name;
                }
            }

            var request = new InferenceRequest(Id, Inputs, requested);
            return new V2InferRequest(request, Parameters, inputParameters, outputs, BinaryDataOutput);
        }

        public void DisposeInputs()
        {
            foreach (var input in Inputs)
            {
                input.Dispose();
            }

            Inputs.Clear();
        }
    }

    private static readonly IReadOnlyList<IReadOnlyDictionary<string, V2ParameterValue>> SingleEmptyParameters =
        new System.Collections.ObjectModel.ReadOnlyCollection<IReadOnlyDictionary<string, V2ParameterValue>>([V2Protocol.Empty]);
}
