import type { AttributeValue as SdkAttributeValue, _Record as SdkRecord } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, AttributeValue as LambdaAttributeValue, StreamRecord } from 'aws-lambda';

type SdkImage = Record<string, SdkAttributeValue> | undefined;
type LambdaImage = Record<string, LambdaAttributeValue>;

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** The SDK decodes binary to bytes; Lambda's event JSON carries it as base64 text. */
const toLambdaValue = (value: SdkAttributeValue): LambdaAttributeValue => {
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) ?? {} };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  throw new Error(`unknown attribute value type: ${JSON.stringify(value)}`);
};

const toLambdaImage = (image: SdkImage): LambdaImage | undefined =>
  image && Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toLambdaValue(value)]));

/** One stream record as Lambda's DynamoDB event source delivers it. */
export const toLambdaRecord = (record: SdkRecord, streamArn: string, region: string | undefined): DynamoDBRecord => {
  const source = record.dynamodb ?? {};
  const dynamodb: StreamRecord = {
    // Lambda sends whole epoch seconds, where the SDK gives a Date.
    ...(source.ApproximateCreationDateTime
      ? { ApproximateCreationDateTime: Math.floor(source.ApproximateCreationDateTime.getTime() / 1000) }
      : {}),
    ...(source.Keys ? { Keys: toLambdaImage(source.Keys) } : {}),
    ...(source.NewImage ? { NewImage: toLambdaImage(source.NewImage) } : {}),
    ...(source.OldImage ? { OldImage: toLambdaImage(source.OldImage) } : {}),
    SequenceNumber: source.SequenceNumber,
    SizeBytes: source.SizeBytes,
    StreamViewType: source.StreamViewType,
  };
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region ?? record.awsRegion,
    dynamodb,
    eventSourceARN: streamArn,
    ...(record.userIdentity ? { userIdentity: record.userIdentity } : {}),
  };
};
