import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

const toInt = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value,
  );
const toBool = () =>
  Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    const v = value.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(v)) return true;
    if (['false', '0', 'no', 'off'].includes(v)) return false;
    return value;
  });

const urlOptions = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/**
 * Every environment variable the service reads, with its default. `.env.example` lists the same
 * names; a test keeps the two in step.
 */
export class EnvironmentSchema {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @toInt()
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  @MaxLength(255)
  HOST = '127.0.0.1';

  @IsString()
  @MaxLength(4096)
  DATA_DIR = './data';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsOptional()
  @IsIn(['json', 'pretty'])
  LOG_FORMAT?: 'json' | 'pretty';

  @Matches(/^\d+(b|kb|mb)$/i, { message: 'REQUEST_BODY_LIMIT must look like 512kb or 10mb' })
  REQUEST_BODY_LIMIT = '10mb';

  @IsOptional()
  @IsUrl(urlOptions)
  CHROMA_URL?: string;

  @IsOptional()
  @Matches(/^[^:\s]+:\S+$/, { message: 'CHROMA_AUTH must be user:password' })
  CHROMA_AUTH?: string;

  @IsOptional()
  @IsString()
  CHROMA_TOKEN?: string;

  @IsString()
  @Matches(/^[\w.-]+$/)
  CHROMA_TENANT = 'default_tenant';

  @IsString()
  @Matches(/^[\w.-]+$/)
  CHROMA_DATABASE = 'default_database';

  @toInt()
  @IsInt()
  @Min(100)
  @Max(600_000)
  CHROMA_TIMEOUT_MS = 10_000;

  @toInt()
  @IsInt()
  @Min(1000)
  @Max(600_000)
  CHROMA_STARTUP_TIMEOUT_MS = 60_000;

  @IsOptional()
  @IsString()
  CHROMA_RUNTIME_DIR?: string;

  @IsOptional()
  @IsUrl(urlOptions)
  VLLM_URL?: string;

  @IsOptional()
  @IsUrl(urlOptions)
  VLLM_EMBEDDING_URL?: string;

  @IsOptional()
  @IsString()
  VLLM_API_KEY?: string;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  VLLM_EMBEDDING_MODEL?: string;

  @toInt()
  @IsInt()
  @Min(100)
  @Max(600_000)
  VLLM_TIMEOUT_MS = 30_000;

  @toInt()
  @IsInt()
  @Min(1)
  @Max(2048)
  VLLM_MAX_BATCH = 64;

  @toInt()
  @IsInt()
  @Min(16)
  @Max(4096)
  LOCAL_EMBEDDING_DIMENSIONS = 384;

  @toBool()
  @IsBoolean()
  SWAGGER_ENABLED = true;
}

/** Variables that may instead be read from a file named by `<NAME>_FILE` (Docker secrets). */
export const SECRET_VARIABLES = ['CHROMA_AUTH', 'CHROMA_TOKEN', 'VLLM_API_KEY'] as const;
