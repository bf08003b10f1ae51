import { describe, expect, it } from 'vitest';
import {
  compilePattern,
  InvalidEventPatternError,
  testEventPattern,
} from '../../../shared/event-patterns/index.ts';

/**
 * Cases taken from the Amazon EventBridge user guide ("Content filtering in event patterns",
 * "Comparison operators", "Arrays", "Null values and empty strings") for behaviour the AWS-recorded
 * corpus does not exercise. Each row is the documented pattern (or a direct variation of it) and
 * an event on either side of what the documentation says it matches.
 */

/** An event with a valid envelope and the given top-level members, as raw JSON text. */
const event = (members: string): string =>
  `{"version":"0","id":"7bf73129-1428-4cd3-a780-95db273d1602","detail-type":"Doc Example","source":"aws.test",` +
  `"account":"123456789012","time":"2017-10-02T18:43:48Z","region":"us-east-1","resources":[],${members}}`;

interface DocCase {
  readonly title: string;
  readonly pattern: string;
  readonly event: string;
  readonly matches: boolean;
}

const rows = (pattern: string, examples: readonly (readonly [string, string, boolean])[]): DocCase[] =>
  examples.map(([title, members, matches]) => ({ title, pattern, event: event(members), matches }));

const cases: Record<string, DocCase[]> = {
  'IP address matching with IPv6 ("This also works with IPv6 addresses")': rows(
    '{"detail":{"sourceIPAddress":[{"cidr":"2001:db8::/32"}]}}',
    [
      ['first address of the block', '"detail":{"sourceIPAddress":"2001:db8::"}', true],
      ['address deep inside, full form', '"detail":{"sourceIPAddress":"2001:0db8:ffff:ffff:0:0:0:1"}', true],
      ['upper-case hex digits', '"detail":{"sourceIPAddress":"2001:DB8:A::1"}', true],
      ['next block', '"detail":{"sourceIPAddress":"2001:db9::"}', false],
      ['an IPv4 address never falls in an IPv6 block', '"detail":{"sourceIPAddress":"10.0.0.1"}', false],
      ['not an address', '"detail":{"sourceIPAddress":"2001:db8::zz"}', false],
    ],
  ),
  'IP address matching with IPv4 ("10.0.0.0/24")': rows(
    '{"detail":{"sourceIPAddress":[{"cidr":"10.0.0.0/24"}]}}',
    [
      ['lowest address', '"detail":{"sourceIPAddress":"10.0.0.0"}', true],
      ['highest address', '"detail":{"sourceIPAddress":"10.0.0.255"}', true],
      ['just above the block', '"detail":{"sourceIPAddress":"10.0.1.0"}', false],
      ['an IPv6 address never falls in an IPv4 block', '"detail":{"sourceIPAddress":"::1"}', false],
    ],
  ),
  'Anything-but using a wildcard, with a list ("*/lib/*")': rows(
    '{"detail":{"FilePath":[{"anything-but":{"wildcard":["*/lib/*","*/bin/*"]}}]}}',
    [
      ['a path under neither directory', '"detail":{"FilePath":"/home/user/notes.txt"}', true],
      ['a path under lib', '"detail":{"FilePath":"/usr/lib/libc.so"}', false],
      ['a path under bin', '"detail":{"FilePath":"/usr/bin/env"}', false],
      ['anything-but needs the field to be there', '"detail":{}', false],
    ],
  ),
  'Or matching with numeric conditions ($or)': rows(
    '{"detail":{"$or":[{"c-count":[{"numeric":[">",0,"<=",5]}]},{"d-count":[{"numeric":["<",10]}]},{"x-limit":[{"numeric":["=",3.018e2]}]}]}}',
    [
      ['only the first alternative holds', '"detail":{"c-count":5,"d-count":10,"x-limit":1}', true],
      ['only the second alternative holds', '"detail":{"c-count":6,"d-count":9.999999,"x-limit":1}', true],
      [
        'only the third holds (3.018e2 is 301.8)',
        '"detail":{"c-count":0,"d-count":10,"x-limit":301.80}',
        true,
      ],
      ['no alternative holds', '"detail":{"c-count":0,"d-count":10,"x-limit":301.81}', false],
      ['numbers in strings do not count', '"detail":{"c-count":"3","d-count":"1","x-limit":"301.8"}', false],
    ],
  ),
  'Or matching across fields ("Location" or "Day")': rows(
    '{"detail":{"$or":[{"Location":["New York"]},{"Day":["Monday"]}]}}',
    [
      ['the location alone', '"detail":{"Location":"New York","Day":"Friday"}', true],
      ['the day alone', '"detail":{"Location":"Boston","Day":"Monday"}', true],
      ['neither', '"detail":{"Location":"Boston","Day":"Friday"}', false],
    ],
  ),
  'Exists matching only works on leaf nodes, including arrays': rows(
    '{"detail":{"c-count":[{"exists":false}]}}',
    [
      ['the field is missing', '"detail":{"state":["initializing","running"]}', true],
      ['the field is an object, not a leaf', '"detail":{"c-count":{"c1":100}}', true],
      ['the field is an empty array: no leaf', '"detail":{"c-count":[]}', true],
      ['the field is an array with a value', '"detail":{"c-count":[1]}', false],
      ['the field is null, which is a value', '"detail":{"c-count":null}', false],
    ],
  ),
  'Exists false inside an array of objects': rows('{"detail":{"items":{"sku":[{"exists":false}]}}}', [
    ['no element has the field', '"detail":{"items":[{"name":"a"},{"name":"b"}]}', true],
    ['one element has the field', '"detail":{"items":[{"name":"a"},{"sku":"s-1"}]}', false],
  ]),
  'Wildcard matching, with escaped characters': [
    ...rows('{"detail":{"file":[{"wildcard":"report\\\\*.txt"}]}}', [
      ['a literal star', '"detail":{"file":"report*.txt"}', true],
      ['an escaped star is not a wildcard', '"detail":{"file":"report1.txt"}', false],
    ]),
    ...rows('{"detail":{"file":[{"wildcard":"C:\\\\\\\\temp\\\\\\\\*"}]}}', [
      ['a literal backslash before the wildcard', '"detail":{"file":"C:\\\\temp\\\\a.txt"}', true],
      ['a slash is not a backslash', '"detail":{"file":"C:/temp/a.txt"}', false],
    ]),
    ...rows('{"detail":{"City":[{"wildcard":"Seattle*"}]}}', [
      ['documented: begins with Seattle', '"detail":{"City":"Seattle, WA"}', true],
      ['the wildcard may match nothing', '"detail":{"City":"Seattle"}', true],
      ['case matters', '"detail":{"City":"seattle"}', false],
    ]),
    ...rows('{"detail":{"file":[{"wildcard":"dir/*.png"}]}}', [
      ['a star spans slashes', '"detail":{"file":"dir/photos/post.png"}', true],
      ['the suffix must be there', '"detail":{"file":"dir/post.jpg"}', false],
    ]),
  ],
  'Equals, prefix and suffix ignoring case': [
    ...rows('{"detail":{"Name":[{"equals-ignore-case":"alice"}]}}', [
      ['documented: "Alice"', '"detail":{"Name":"Alice"}', true],
      ['longer value', '"detail":{"Name":"Alice B"}', false],
    ]),
    ...rows('{"detail":{"service":[{"prefix":{"equals-ignore-case":"eventb"}}]}}', [
      ['documented: EventBridge', '"detail":{"service":"EventBridge"}', true],
      ['too short', '"detail":{"service":"Event"}', false],
    ]),
    ...rows('{"detail":{"service":[{"suffix":{"equals-ignore-case":"tbridge"}}]}}', [
      ['documented: any casing of the end', '"detail":{"service":"EVENTBRIDGE"}', true],
      ['different end', '"detail":{"service":"EventBus"}', false],
    ]),
  ],
  'Anything-but on a prefix and a suffix': [
    ...rows('{"detail":{"Region":[{"anything-but":{"prefix":"us-"}}]}}', [
      ['documented: a region outside the US', '"detail":{"Region":"eu-west-1"}', true],
      ['a US region', '"detail":{"Region":"us-east-1"}', false],
    ]),
    ...rows('{"detail":{"FileName":[{"anything-but":{"suffix":".png"}}]}}', [
      ['documented: another extension', '"detail":{"FileName":"photo.jpg"}', true],
      ['a .png file', '"detail":{"FileName":"photo.png"}', false],
    ]),
  ],
  'Numeric matching ("Price" equals 100, and a range)': [
    ...rows('{"detail":{"Price":[{"numeric":["=",100]}]}}', [
      ['100', '"detail":{"Price":100}', true],
      ['100.0 is the same number', '"detail":{"Price":100.0}', true],
      ['1e2 is the same number', '"detail":{"Price":1e2}', true],
      ['100.000001 is not', '"detail":{"Price":100.000001}', false],
    ]),
    ...rows('{"detail":{"Price":[{"numeric":[">",10,"<=",20]}]}}', [
      ['the closed upper end', '"detail":{"Price":20}', true],
      ['the open lower end', '"detail":{"Price":10}', false],
      ['in between, as a float', '"detail":{"Price":10.5}', true],
    ]),
  ],
  'Null values and empty strings are not interchangeable': [
    ...rows('{"detail":{"eventVersion":[""]}}', [
      ['documented: empty string', '"detail":{"eventVersion":""}', true],
      ['null is not an empty string', '"detail":{"eventVersion":null}', false],
    ]),
    ...rows('{"detail":{"responseElements":[null]}}', [
      ['documented: null', '"detail":{"responseElements":null}', true],
      ['an empty string is not null', '"detail":{"responseElements":""}', false],
      ['a missing field is not null', '"detail":{}', false],
    ]),
  ],
  'Arrays: the pattern matches when the intersection is not empty': rows(
    '{"resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f","arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f"]}',
    [
      [
        'documented: second event item is listed',
        '"detail":{},"resources":["arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:x","arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"]',
        true,
      ],
      [
        'no item listed',
        '"detail":{},"resources":["arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f"]',
        false,
      ],
    ],
  ),
};

describe('documented EventBridge matching', () => {
  for (const [section, sectionCases] of Object.entries(cases)) {
    describe(section, () => {
      it.each(sectionCases.map((c) => [c.title, c] as const))('%s', (_title, c) => {
        expect(testEventPattern(c.pattern, c.event)).toBe(c.matches);
      });
    });
  }
});

describe('documented EventBridge rejections', () => {
  it.each([
    [
      'consecutive wildcards',
      '{"EventBusArn":[{"wildcard":"arn:aws:events:us-east-1:**:event-bus/*"}]}',
      'Consecutive wildcard characters at pos 26',
    ],
    [
      'a wildcard that is too complex',
      '{"EventBusArn":[{"wildcard":"*:*:*:*:*:event-bus/*"}]}',
      'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
    ],
    [
      'a backslash escaping something other than * or \\',
      '{"f":[{"wildcard":"a\\\\b"}]}',
      'Invalid escape character at pos 2',
    ],
  ])('%s', (_title, pattern, reason) => {
    expect(() => compilePattern(pattern)).toThrow(new InvalidEventPatternError(reason));
  });
});
