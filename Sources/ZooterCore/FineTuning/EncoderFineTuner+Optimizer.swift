import Foundation

extension EncoderFineTuner {
    /// AdamW state for the trained layers and the head, and one training step.
    struct Optimizer {
        var layerMoments: [(m: LayerParameters, v: LayerParameters)]
        var headMoments: (m: [Float], v: [Float])
        /// Per layer tensor: 1 where weight decay applies.
        let layerDecay: LayerParameters
        let headDecay: [Float]
        var steps = 0

        init(model: FineTunedEncoder) {
            layerMoments = model.layers.map { ($0.zeros(), $0.zeros()) }
            let count = model.head.parameters.count
            headMoments = ([Float](repeating: 0, count: count), [Float](repeating: 0, count: count))
            var decay = model.layers[0].zeros()
            for path in LayerParameters.decayed { decay[keyPath: path] = [Float](repeating: 1, count: decay[keyPath: path].count) }
            layerDecay = decay
            headDecay = model.head.architecture.decayMask
        }

        /// Forward, backward and an AdamW update on `rows`; returns the batch's mean KL.
        mutating func step(_ model: inout FineTunedEncoder, lower: [[Float]], targets: Matrix, rows: [Int],
                           scale: Float) -> Double {
            let c = model.bertConfiguration, t = model.configuration, h = c.hiddenSize
            var (hidden, ranges) = FineTunedEncoder.pack(lower, rows: rows, hidden: h)
            var activations: [TrainableLayer.Activations] = []
            for layer in model.layers {
                let pass = TrainableLayer.forward(hidden, sequences: ranges, parameters: layer, configuration: c, threads: t.threads)
                hidden = pass.output
                activations.append(pass.activations)
            }
            let a = model.head.architecture
            var headFlat = [Float](repeating: 0, count: model.head.parameters.count)
            let loss = RoutingLossLayer(architecture: a, parameters: model.head.parameters)
                .apply(hidden: hidden, sequences: ranges, targets: rows.map { Array(targets.row($0)) }, scale: 1 / Float(rows.count),
                       headGradient: &headFlat)
            var gradients = model.layers.map { $0.zeros() }
            var dx = loss.hiddenGradient
            for index in model.layers.indices.reversed() {
                dx = TrainableLayer.backward(dx, activations: activations[index], sequences: ranges,
                                             parameters: model.layers[index], gradients: &gradients[index],
                                             configuration: c, threads: t.threads)
            }

            // Global norm over every gradient, summed in a fixed order.
            var squares = 0.0
            for gradient in gradients {
                for path in LayerParameters.tensors { squares += gradient[keyPath: path].reduce(0.0) { $0 + Double($1) * Double($1) } }
            }
            squares += headFlat.reduce(0.0) { $0 + Double($1) * Double($1) }
            let norm = squares.squareRoot()
            let clip = norm > Double(t.clipNorm) ? Float(Double(t.clipNorm) / norm) : 1

            steps += 1
            let correction1 = 1 - powf(0.9, Float(steps)), correction2 = 1 - powf(0.999, Float(steps))
            for index in model.layers.indices {
                var (m, v) = layerMoments[index]
                defer { layerMoments[index] = (m, v) }
                for path in LayerParameters.tensors {
                    var gradient = gradients[index][keyPath: path]
                    if clip < 1 { for i in gradient.indices { gradient[i] *= clip } }
                    HeadKernels.adamWStep(parameters: &model.layers[index][keyPath: path], gradient: gradient,
                                          m: &m[keyPath: path], v: &v[keyPath: path],
                                          decayMask: layerDecay[keyPath: path], learningRate: t.encoderLearningRate * scale,
                                          beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: t.weightDecay,
                                          correction1: correction1, correction2: correction2)
                }
            }
            if clip < 1 { for i in headFlat.indices { headFlat[i] *= clip } }
            var headParameters = model.head.parameters
            HeadKernels.adamWStep(parameters: &headParameters, gradient: headFlat, m: &headMoments.m, v: &headMoments.v,
                                  decayMask: headDecay, learningRate: t.headLearningRate * scale, beta1: 0.9, beta2: 0.999,
                                  epsilon: 1e-8, weightDecay: t.weightDecay, correction1: correction1, correction2: correction2)
            model.head = HeadWeights(architecture: a, parameters: headParameters, experts: model.head.experts)
            return loss.loss
        }
    }
}
