import protobuf from 'protobufjs/minimal.js';
import { CheckpointError } from '../errors.js';

/** SentencePiece piece types (sentencepiece_model.proto). */
export const PieceType = { Normal: 1, Unknown: 2, Control: 3, UserDefined: 4, Unused: 5, Byte: 6 } as const;

export interface SentencePiece {
  piece: string;
  score: number;
  type: number;
}

export interface SentencePieceModel {
  pieces: SentencePiece[];
  /** trainer_spec.model_type: 1 unigram, 2 BPE, 3 word, 4 char. */
  modelType: number;
  byteFallback: boolean;
  normalizer: {
    name: string;
    addDummyPrefix: boolean;
    removeExtraWhitespaces: boolean;
    escapeWhitespaces: boolean;
    /** The precompiled normalization map (empty when the spm has none). */
    charsmap: Uint8Array;
  };
}

/**
 * Reads the parts of a SentencePiece `ModelProto` (source.spm / target.spm) a tokenizer.json
 * needs: the pieces with their scores and types, the model type and the normalizer settings.
 * Field numbers and defaults are those of sentencepiece_model.proto.
 */
export function parseSentencePieceModel(bytes: Uint8Array, file: string): SentencePieceModel {
  const model: SentencePieceModel = {
    pieces: [],
    modelType: 1,
    byteFallback: false,
    normalizer: { name: 'nmt_nfkc', addDummyPrefix: true, removeExtraWhitespaces: true, escapeWhitespaces: true, charsmap: new Uint8Array(0) },
  };
  try {
    const r = protobuf.Reader.create(bytes);
    while (r.pos < r.len) {
      const tag = r.uint32();
      const field = tag >>> 3;
      if (field === 1 && (tag & 7) === 2) model.pieces.push(readPiece(protobuf.Reader.create(r.bytes())));
      else if (field === 2 && (tag & 7) === 2) readTrainer(protobuf.Reader.create(r.bytes()), model);
      else if (field === 3 && (tag & 7) === 2) readNormalizer(protobuf.Reader.create(r.bytes()), model);
      else r.skipType(tag & 7);
    }
  } catch (err) {
    throw new CheckpointError(`${file} is not a SentencePiece model (${(err as Error).message})`, { cause: err });
  }
  if (model.pieces.length === 0) throw new CheckpointError(`${file} is not a SentencePiece model (no pieces)`);
  return model;
}

function readPiece(r: protobuf.Reader): SentencePiece {
  const p: SentencePiece = { piece: '', score: 0, type: PieceType.Normal };
  while (r.pos < r.len) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        p.piece = r.string();
        break;
      case 2:
        p.score = r.float();
        break;
      case 3:
        p.type = r.int32();
        break;
      default:
        r.skipType(tag & 7);
    }
  }
  return p;
}

function readTrainer(r: protobuf.Reader, m: SentencePieceModel): void {
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if (field === 3 && (tag & 7) === 0) m.modelType = r.int32();
    else if (field === 35 && (tag & 7) === 0) m.byteFallback = r.bool();
    else r.skipType(tag & 7);
  }
}

function readNormalizer(r: protobuf.Reader, m: SentencePieceModel): void {
  while (r.pos < r.len) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        m.normalizer.name = r.string();
        break;
      case 2:
        m.normalizer.charsmap = r.bytes();
        break;
      case 3:
        m.normalizer.addDummyPrefix = r.bool();
        break;
      case 4:
        m.normalizer.removeExtraWhitespaces = r.bool();
        break;
      case 5:
        m.normalizer.escapeWhitespaces = r.bool();
        break;
      default:
        r.skipType(tag & 7);
    }
  }
}
