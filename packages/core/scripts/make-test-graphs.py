#!/usr/bin/env python3
"""Writes tiny ONNX graphs for the model-runner tests to packages/core/src/model/__fixtures__/.

They follow (or deliberately break) the SimpleClick ONNX contract at S = 32 and compute something simple and
known, so tests can check the runners' outputs exactly without a real network:

    logits = 6 * positive_disks - 6 * negative_disks + 4 * previous_mask + (R - B) + ramp - 2

where R and B are the image's first and last channels and ramp[col] = (col - 15.5) / 8 (a left-right
asymmetry, so horizontal-flip averaging changes the result).

Run from the repository root:
    /usr/bin/python3 packages/core/scripts/make-test-graphs.py
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SIZE = 32
OUT_DIR = os.path.join(os.path.dirname(__file__), '..', 'src', 'model', '__fixtures__')

METADATA = {
    'simpleclick.format_version': '1',
    'simpleclick.variant': 'test-tiny',
    'simpleclick.input_size': str(SIZE),
    'simpleclick.patch_size': '16',
    'simpleclick.training_data': 'none',
    'simpleclick.version': '0.0.0',
    'simpleclick.trained': 'false',
    'simpleclick.source': 'make-test-graphs.py',
    'simpleclick.weights_dtype': 'float32',
}


def build(image_name='image', batch='batch', image_type=TensorProto.FLOAT, logits_channels=1, metadata=None):
    image = helper.make_tensor_value_info(image_name, image_type, [batch, 3, SIZE, SIZE])
    click_maps = helper.make_tensor_value_info('click_maps', TensorProto.FLOAT, [batch, 3, SIZE, SIZE])
    logits = helper.make_tensor_value_info('logits', TensorProto.FLOAT, [batch, logits_channels, SIZE, SIZE])
    ramp = ((np.arange(SIZE, dtype=np.float32) - np.float32(15.5)) / np.float32(8)).reshape(1, 1, 1, SIZE)
    ramp = np.broadcast_to(ramp, (1, 1, SIZE, SIZE)).astype(np.float32)
    initializers = [
        numpy_helper.from_array(ramp, 'ramp'),
        numpy_helper.from_array(np.array([6.0], dtype=np.float32), 'six'),
        numpy_helper.from_array(np.array([4.0], dtype=np.float32), 'four'),
        numpy_helper.from_array(np.array([2.0], dtype=np.float32), 'two'),
        numpy_helper.from_array(np.array([1, 1, 1], dtype=np.int64), 'split_ones'),
    ]
    nodes = []
    image_float = image_name
    if image_type != TensorProto.FLOAT:
        nodes.append(helper.make_node('Cast', [image_name], ['image_float'], to=TensorProto.FLOAT))
        image_float = 'image_float'
    nodes += [
        helper.make_node('Split', [image_float, 'split_ones'], ['red', 'green', 'blue'], axis=1),
        helper.make_node('Split', ['click_maps', 'split_ones'], ['previous', 'positive', 'negative'], axis=1),
        helper.make_node('Sub', ['positive', 'negative'], ['clicks']),
        helper.make_node('Mul', ['clicks', 'six'], ['clicks_scaled']),
        helper.make_node('Mul', ['previous', 'four'], ['previous_scaled']),
        helper.make_node('Sub', ['red', 'blue'], ['colour']),
        helper.make_node('Add', ['clicks_scaled', 'previous_scaled'], ['sum1']),
        helper.make_node('Add', ['sum1', 'colour'], ['sum2']),
        helper.make_node('Add', ['sum2', 'ramp'], ['sum3']),
        helper.make_node('Sub', ['sum3', 'two'], ['logits1']),
    ]
    if logits_channels == 1:
        nodes.append(helper.make_node('Identity', ['logits1'], ['logits']))
    else:
        nodes.append(helper.make_node('Concat', ['logits1'] * logits_channels, ['logits'], axis=1))
    graph = helper.make_graph(nodes, 'simpleclick_test', [image, click_maps], [logits], initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)], producer_name='make-test-graphs')
    model.ir_version = 8
    helper.set_model_props(model, METADATA if metadata is None else metadata)
    onnx.checker.check_model(model)
    return model


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    graphs = {
        'tiny-s32.onnx': build(),
        'tiny-s32-batch1.onnx': build(batch=1),
        'wrong-input-name-s32.onnx': build(image_name='img'),
        'wrong-metadata-size-s32.onnx': build(metadata={**METADATA, 'simpleclick.input_size': '64'}),
        'missing-metadata-s32.onnx': build(metadata={}),
        'bad-metadata-s32.onnx': build(metadata={**METADATA, 'simpleclick.patch_size': 'sixteen',
                                                 'simpleclick.format_version': '9'}),
        'wrong-output-channels-s32.onnx': build(logits_channels=2),
        'wrong-input-type-s32.onnx': build(image_type=TensorProto.DOUBLE),
    }
    for name, model in graphs.items():
        path = os.path.join(OUT_DIR, name)
        onnx.save(model, path)
        print(f'wrote {os.path.normpath(path)} ({os.path.getsize(path)} bytes)')


if __name__ == '__main__':
    main()
